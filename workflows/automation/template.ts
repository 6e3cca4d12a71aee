/**
 * Templating of automation definitions with JSONata (a maintained, sandboxed
 * expression language over JSON): `"Hello {{ input.name }}"`.
 *
 * Pure and deterministic, so the interpreter runs it inside workflow code; JSONata
 * imports no Node built-ins and bundles with webpack. Rules:
 * - A string that is exactly one `{{ expr }}` keeps the value's type
 *   (`"{{ input.n }}"` with n = 5 gives the number 5); mixed text interpolates
 *   (objects as JSON).
 * - A path that evaluates to nothing fails with {@link TemplateError}
 *   (`INVALID_INPUT`) naming the missing part — never a silent empty string.
 * - `constructor`, `__proto__`, `prototype`, `process`, `require`, `global(This)`
 *   and `$eval` are rejected before evaluation. JSONata itself only reads own
 *   properties, cannot reach JS globals and runs no JS code; the static check makes
 *   attempts fail loudly instead of quietly resolving to nothing.
 */
import jsonata from 'jsonata';
import { TemplateError } from '../errors.ts';

/** The data templates see. */
export interface TemplateContext {
  input: unknown;
  trigger: unknown;
  steps: Record<string, { output?: unknown } | undefined>;
  run: Record<string, unknown>;
}

const TEMPLATE_RE = /\{\{([\s\S]+?)\}\}/g;
const WHOLE_RE = /^\s*\{\{([\s\S]+?)\}\}\s*$/;
const FORBIDDEN_NAMES = new Set(['constructor', '__proto__', 'prototype', 'process', 'require', 'global', 'globalThis', 'module', 'this']);
const FORBIDDEN_FUNCTIONS = new Set(['eval']);
/**
 * Evaluation budget of one expression. JSONata's own `timeout` reads the clock, which
 * stands still inside a workflow activation (and would not be deterministic anyway), and
 * a tail-recursive function (`$f := function($x){ $f($x) }`) loops without growing the
 * stack. So the budget counts evaluation steps (every node JSONata evaluates), which is
 * deterministic: the same template on the same data fails at the same step on replay.
 */
export const TEMPLATE_BUDGET = {
  /**
   * Nodes evaluated per rendering (all templates of one step's value, or one condition).
   * A plain path costs a few; a path or `$map` over an array a few per element. Inside
   * the workflow sandbox every await records a stack trace (Temporal's promise hook), so
   * a node costs ~0.2–1 ms there (measured on a loaded 2-core machine, against ~3 µs
   * outside): 2,000 stay well under the 5 s a workflow activation may run, on first run
   * and on the replay that answers a query alike (5,000 did not, under load).
   */
  steps: 2_000,
  /** Nesting depth of evaluation (recursion). */
  depth: 250,
  /** Longest sequence an expression may build. */
  sequence: 100_000,
} as const;
const LIMITS = { stack: TEMPLATE_BUDGET.depth, sequence: TEMPLATE_BUDGET.sequence };
// JSONata calls the function bound to this symbol before evaluating each node.
const EVALUATE_ENTRY = Symbol.for('jsonata.__evaluate_entry');

interface AstNode {
  type?: string;
  value?: unknown;
  [key: string]: unknown;
}

function checkAst(node: unknown, expression: string, seen = new Set<unknown>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const n of node) checkAst(n, expression, seen);
    return;
  }
  const n = node as AstNode;
  if ((n.type === 'name' || n.type === 'string') && typeof n.value === 'string' && FORBIDDEN_NAMES.has(n.value)) {
    throw new TemplateError(`template {{ ${expression} }} uses forbidden name "${n.value}": templates cannot reach prototypes, constructors or the process`, expression, n.value);
  }
  if (n.type === 'variable' && typeof n.value === 'string' && (FORBIDDEN_FUNCTIONS.has(n.value) || FORBIDDEN_NAMES.has(n.value))) {
    throw new TemplateError(`template {{ ${expression} }} uses forbidden function $${n.value}`, expression, `$${n.value}`);
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'position') checkAst(v, expression, seen);
}

function compile(expression: string): jsonata.Expression {
  let expr: jsonata.Expression;
  try {
    expr = jsonata(expression, LIMITS as jsonata.JsonataOptions);
  } catch (err) {
    throw new TemplateError(`template {{ ${expression} }} does not parse: ${(err as Error).message}`, expression);
  }
  checkAst(expr.ast(), expression);
  return expr;
}

/** For a plain dotted path (`steps.a.output.x`), the first prefix that is undefined. */
function missingPrefix(ast: AstNode, data: unknown): string | undefined {
  const names: string[] = [];
  if (ast.type === 'name' && typeof ast.value === 'string') names.push(ast.value);
  else if (ast.type === 'path' && Array.isArray(ast['steps'])) {
    for (const s of ast['steps'] as AstNode[]) {
      if (s.type !== 'name' || typeof s.value !== 'string' || s['stages'] || s['predicate']) return undefined;
      names.push(s.value);
    }
  } else return undefined;
  let cur: unknown = data;
  for (let i = 0; i < names.length; i++) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, names[i]!)) return names.slice(0, i + 1).join('.');
    cur = (cur as Record<string, unknown>)[names[i]!];
  }
  return undefined;
}

/** Copies JSON data into plain values (drops functions and class instances). */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Marks values of a context (its fields, or entries of its `steps`) that are plain copies
 * already: a loop's iterations share one copy of the enclosing scope instead of copying
 * the whole run input per rendering (interpreter.ts `context`).
 */
export const PLAIN_ALREADY: unique symbol = Symbol('plain already');

/** The context as plain data, copying only what is not marked {@link PLAIN_ALREADY}. */
function plainContext(context: TemplateContext): unknown {
  const ready = (context as { [PLAIN_ALREADY]?: ReadonlySet<unknown> })[PLAIN_ALREADY];
  if (!ready) return plain(context);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(context)) {
    if (k === 'steps' && v !== null && typeof v === 'object') {
      const steps: Record<string, unknown> = {};
      for (const [id, s] of Object.entries(v)) if (s !== undefined) steps[id] = ready.has(s) ? s : plain(s);
      out[k] = steps;
    } else if (v !== undefined) out[k] = ready.has(v) ? v : plain(v);
  }
  return out;
}

/** Evaluation steps used so far by one rendering; shared by all its expressions. */
export interface TemplateBudget {
  steps: number;
}

export function newTemplateBudget(): TemplateBudget {
  return { steps: 0 };
}

/** Counts `steps` evaluation steps of `expression` against the rendering's budget, one at a time as JSONata does. */
function spend(budget: TemplateBudget, steps: number, expression: string): void {
  for (let i = 0; i < steps; i++) {
    if (++budget.steps > TEMPLATE_BUDGET.steps) {
      throw new TemplateError(
        `template {{ ${expression} }} exceeded the template evaluation budget of ${TEMPLATE_BUDGET.steps} steps (a recursion or loop that does not end, or a very large input?)`,
        expression,
      );
    }
  }
}

/**
 * How a rendering may evaluate. `plainPaths`: a plain dotted path (`trigger.payload.issue.number`)
 * over objects is read directly instead of through JSONata, whose evaluator awaits at every
 * node: inside the workflow sandbox each await records a stack trace (Temporal's promise
 * hook), which made templates a large part of a short run's workflow CPU. The value, the
 * errors and the budget steps are JSONata's (a path of n names counts n + 1 steps, as JSONata
 * does); anything else (arrays on the way, a missing or inherited name, a JSONata keyword)
 * goes to JSONata. Fewer awaits can change the order in which concurrent branches reach their
 * commands, so the interpreter turns this on only where that cannot matter or under
 * `patched` (workflows/automation/interpreter.ts).
 */
export interface RenderMode {
  plainPaths?: boolean;
}

const PLAIN_PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Names JSONata reads as operators or literals, never as a field. */
const JSONATA_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
/** Marks "JSONata must decide" (a plain path resolves to any JSON value, undefined included). */
export const NOT_PLAIN: unique symbol = Symbol('not a plain path');

/** The value of a plain dotted path over objects, spending JSONata's steps; NOT_PLAIN otherwise (nothing spent). */
function plainPathValue(text: string, context: TemplateContext, budget: TemplateBudget): unknown {
  if (!PLAIN_PATH_RE.test(text)) return NOT_PLAIN;
  const names = text.split('.');
  let cur: unknown = context;
  for (const name of names) {
    if (FORBIDDEN_NAMES.has(name) || JSONATA_WORDS.has(name)) return NOT_PLAIN;
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, name)) return NOT_PLAIN;
    cur = (cur as Record<string, unknown>)[name];
  }
  const value = plain(cur);
  if (value === undefined || Array.isArray(value)) return NOT_PLAIN;
  spend(budget, names.length + 1, text);
  return value;
}

/** Renders a value without JSONata when every template in it is a plain path; NOT_PLAIN otherwise (nothing spent). */
function renderPlain(value: unknown, context: TemplateContext, budget: TemplateBudget): unknown {
  const trial = { steps: budget.steps };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!isTemplate(v)) return v;
      const whole = wholeExpression(v);
      if (whole !== undefined) return plainPathValue(whole.trim(), context, trial);
      const { pieces, expressions } = splitTemplate(v);
      const values: unknown[] = [];
      for (const e of expressions) {
        const x = plainPathValue(e.trim(), context, trial);
        if (x === NOT_PLAIN) return NOT_PLAIN;
        values.push(x);
      }
      return joinTemplate(pieces, values);
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        const x = walk(item);
        if (x === NOT_PLAIN) return NOT_PLAIN;
        out.push(x);
      }
      return out;
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const x = walk(item);
        if (x === NOT_PLAIN) return NOT_PLAIN;
        out[k] = x;
      }
      return out;
    }
    return v;
  };
  let rendered: unknown;
  try {
    rendered = walk(value);
  } catch (err) {
    // The budget ran out on a plain path, where JSONata would have stopped too.
    budget.steps = trial.steps;
    throw err;
  }
  if (rendered !== NOT_PLAIN) budget.steps = trial.steps;
  return rendered;
}

/**
 * Evaluates one expression (the text inside `{{ }}`, or a bare `when`/`if`
 * expression). Throws {@link TemplateError} when it resolves to nothing, unless
 * `allowUndefined`. `plainPaths`: a plain dotted path is read directly ({@link RenderMode}).
 */
export async function evaluateExpression(
  expression: string,
  context: TemplateContext,
  opts: { allowUndefined?: boolean; budget?: TemplateBudget } & RenderMode = {},
): Promise<unknown> {
  const text = expression.trim();
  const budget = opts.budget ?? newTemplateBudget();
  if (opts.plainPaths) {
    const direct = plainPathValue(text, context, budget);
    if (direct !== NOT_PLAIN) return direct;
  }
  const expr = compile(text);
  const data = plainContext(context);
  // `assign` is typed for names, but binds any key: the hook is bound under its symbol.
  expr.assign(EVALUATE_ENTRY as unknown as string, () => spend(budget, 1, text));
  let value: unknown;
  try {
    value = await expr.evaluate(data, undefined);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    const e = err as { message?: string; code?: string };
    throw new TemplateError(`template {{ ${text} }} failed: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`, text);
  }
  if (value === undefined && !opts.allowUndefined) {
    const missing = missingPrefix(expr.ast() as AstNode, data);
    throw new TemplateError(
      missing ? `template {{ ${text} }}: ${missing} is undefined` : `template {{ ${text} }} evaluated to nothing`,
      text,
      missing ?? text,
    );
  }
  // JSONata marks sequences with extra properties; hand back plain JSON.
  return plain(value);
}

/** True when the string contains `{{ … }}`. */
export function isTemplate(value: string): boolean {
  return value.includes('{{');
}

/** Renders a string: a whole `{{ expr }}` keeps its type, mixed text interpolates. */
export async function renderString(template: string, context: TemplateContext, budget: TemplateBudget = newTemplateBudget()): Promise<unknown> {
  const whole = wholeExpression(template);
  if (whole !== undefined) return evaluateExpression(whole, context, { budget });
  const { pieces, expressions } = splitTemplate(template);
  const values: unknown[] = [];
  for (const e of expressions) values.push(await evaluateExpression(e, context, { budget }));
  return joinTemplate(pieces, values);
}

/** The expression of a string that is exactly one `{{ expr }}` (its value keeps its type), else undefined. */
function wholeExpression(template: string): string | undefined {
  const whole = WHOLE_RE.exec(template);
  return whole && !whole[1]!.includes('{{') && template.indexOf('{{', template.indexOf('{{') + 2) === -1 ? whole[1] : undefined;
}

/** Mixed text: the literal pieces around its `{{ }}` expressions (one piece more than expressions). */
function splitTemplate(template: string): { pieces: string[]; expressions: string[] } {
  const pieces: string[] = [];
  const expressions: string[] = [];
  let last = 0;
  for (const m of template.matchAll(TEMPLATE_RE)) {
    pieces.push(template.slice(last, m.index));
    expressions.push(m[1]!);
    last = m.index + m[0].length;
  }
  pieces.push(template.slice(last));
  return { pieces, expressions };
}

/** The pieces joined with the expressions' values (strings as they are, anything else as JSON). */
function joinTemplate(pieces: string[], values: unknown[]): string {
  return pieces.map((p, i) => (i < values.length ? p + (typeof values[i] === 'string' ? (values[i] as string) : JSON.stringify(values[i])) : p)).join('');
}

/**
 * Renders every string inside a JSON value (objects and arrays recursively), within one budget;
 * with `mode.plainPaths`, without JSONata where every template is a plain path ({@link RenderMode}).
 */
export async function renderValue(value: unknown, context: TemplateContext, budget: TemplateBudget = newTemplateBudget(), mode: RenderMode = {}): Promise<unknown> {
  if (mode.plainPaths) {
    const rendered = renderPlain(value, context, budget);
    if (rendered !== NOT_PLAIN) return rendered;
  }
  if (typeof value === 'string') return isTemplate(value) ? renderString(value, context, budget) : value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await renderValue(v, context, budget));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderValue(v, context, budget);
    return out;
  }
  return value;
}

/**
 * Renders a value at once, without a promise, when plain paths are on and every template in
 * it is a plain path (or it holds none); NOT_PLAIN when it needs {@link renderValue}.
 */
export function renderNow(value: unknown, context: TemplateContext, mode: RenderMode): unknown {
  return mode.plainPaths ? renderPlain(value, context, newTemplateBudget()) : NOT_PLAIN;
}

/**
 * A condition (`when`, `if`): either a bare JSONata expression or `{{ expr }}`.
 * Undefined counts as false here (a missing label is "no"), so conditions can probe.
 */
export async function evaluateCondition(condition: string, context: TemplateContext, mode: RenderMode = {}): Promise<boolean> {
  const whole = WHOLE_RE.exec(condition);
  const text = (whole ? whole[1]! : condition).trim();
  const fast = mode.plainPaths ? plainPathValue(text, context, newTemplateBudget()) : NOT_PLAIN;
  const v = fast !== NOT_PLAIN ? fast : await evaluateExpression(text, context, { allowUndefined: true });
  return Boolean(v) && !(Array.isArray(v) && v.length === 0);
}

/** Parses every template in a value without evaluating (definition validation). */
export function checkTemplates(value: unknown, where: string, problems: string[]): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(TEMPLATE_RE)) {
      try {
        compile(m[1]!.trim());
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
      }
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => checkTemplates(v, `${where}[${i}]`, problems));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkTemplates(v, `${where}.${k}`, problems);
}

/** Parses a bare expression (conditions) without evaluating. */
export function checkExpression(expression: string, where: string, problems: string[]): void {
  const whole = WHOLE_RE.exec(expression);
  try {
    compile((whole ? whole[1]! : expression).trim());
  } catch (err) {
    problems.push(`${where}: ${(err as Error).message}`);
  }
}

/** The roots of the template context whose fields {@link contextPathsUsed} tracks one by one. */
const CONTEXT_ROOTS: ReadonlySet<string> = new Set(['input', 'trigger', 'steps', 'run']);

/**
 * The context paths the templates inside `value` read: `root` (all of it) or `root.field`
 * (`input.items`, `steps.fetch`), or `'all'` when an expression reaches the whole context
 * (`$$`) or does not parse. Bare expressions are read from `when` and `if` fields. Other
 * names (loop variables) are not listed. Used to hand a loop batch only what its body reads.
 */
export function contextPathsUsed(value: unknown): Set<string> | 'all' {
  const used = new Set<string>();
  let all = false;
  const visitAst = (node: unknown): void => {
    if (all || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visitAst);
    const n = node as AstNode;
    if (n.type === 'variable' && n.value === '$') all = true;
    if (n.type === 'path' && Array.isArray(n['steps'])) {
      const [first, second] = n['steps'] as AstNode[];
      if (first?.type === 'name' && typeof first.value === 'string' && CONTEXT_ROOTS.has(first.value)) {
        const field = second?.type === 'name' && typeof second.value === 'string' && !first['stages'] && !first['predicate'] ? second.value : undefined;
        used.add(field === undefined ? first.value : `${first.value}.${field}`);
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'position') visitAst(v);
  };
  const visitExpression = (text: string): void => {
    try {
      visitAst(compile(text.trim()).ast());
    } catch {
      all = true;
    }
  };
  const walk = (v: unknown, key?: string): void => {
    if (all) return;
    if (typeof v === 'string') {
      if (isTemplate(v)) for (const m of v.matchAll(TEMPLATE_RE)) visitExpression(m[1]!);
      else if ((key === 'when' || key === 'if') && v.trim()) visitExpression(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value);
  return all ? 'all' : used;
}
