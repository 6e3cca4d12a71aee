// The automation definition as a graph: the trigger, then each step list as a chain.
// A container step — condition (then/else), parallel (branches), foreach (body), try
// (steps/catch/finally), switch (a case each, default) — fans out into one slot node per
// nested list, each followed by that list's chain; slots are where "Add step" nests.
import type { Edge, Node } from '@xyflow/react';

export type Step = Record<string, unknown> & { id: string; type: string };
export type Definition = Record<string, unknown> & { name?: string; trigger?: Record<string, unknown>; steps?: Step[] };

export interface StepNodeData extends Record<string, unknown> {
  label: string;
  kind: string;
  /** JSON path of the step in the definition (`steps.1.then.0`), to match API error paths; of a slot: its list. */
  path: string;
  invalid: boolean;
  /** Problems reported at this node (the deepest node each path points into). */
  problems: string[];
  /** Of a slot: the id of the step whose list it starts. */
  parent?: string;
}

/** Slot nodes are `slot:<list path>`. */
export const SLOT = 'slot:';

const X = 240;
const Y = 100;

/**
 * Nested step lists of a step: relative path and label. Optional lists are offered even
 * when absent (a condition's else, a try's catch and finally, a switch's default).
 */
export function nestedLists(step: Step): { key: string; label: string }[] {
  if (step.type === 'condition' || step.type === 'branch') return [{ key: 'then', label: 'then' }, { key: 'else', label: 'else' }];
  if (step.type === 'parallel') return (Array.isArray(step['branches']) ? (step['branches'] as unknown[]) : []).map((_b, i) => ({ key: `branches.${i}`, label: `branch ${i + 1}` }));
  if (step.type === 'try') return [{ key: 'steps', label: 'try' }, { key: 'catch', label: 'catch' }, { key: 'finally', label: 'finally' }];
  if (step.type === 'switch') {
    const cases = Array.isArray(step['cases']) ? (step['cases'] as { equals?: unknown }[]) : [];
    return [...cases.map((c, i) => ({ key: `cases.${i}.steps`, label: `case ${JSON.stringify(c?.equals ?? null)}` })), { key: 'default', label: 'default' }];
  }
  if (step.type === 'foreach') return [{ key: 'steps', label: 'each item' }];
  return Array.isArray(step['steps']) ? [{ key: 'steps', label: 'steps' }] : [];
}

/** The deepest node path `errorPath` points into (`steps.0.then.1.if` → `steps.0.then.1`). */
function ownerOf(errorPath: string, nodePaths: string[]): string | undefined {
  let best: string | undefined;
  for (const p of nodePaths) if ((errorPath === p || errorPath.startsWith(`${p}.`)) && (!best || p.length > best.length)) best = p;
  return best;
}

export function toGraph(def: Definition, problems: { path: string; message: string }[]): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const nodes: Node<StepNodeData>[] = [];
  const edges: Edge[] = [];
  const trigger = def.trigger ?? {};
  nodes.push({
    id: '__trigger',
    type: 'step',
    position: { x: 0, y: 0 },
    data: { label: 'trigger', kind: String(trigger['type'] ?? 'manual'), path: 'trigger', invalid: false, problems: [] },
  });
  let row = 1;
  const chain = (list: Step[], from: string, path: string, depth: number) => {
    let prev = from;
    list.forEach((step, i) => {
      const p = `${path}.${i}`;
      nodes.push({
        id: p,
        type: 'step',
        position: { x: depth * X, y: row++ * Y },
        data: { label: String(step.id), kind: String(step.type), path: p, invalid: false, problems: [] },
      });
      edges.push({ id: `${prev}->${p}`, source: prev, target: p });
      for (const { key, label } of nestedLists(step)) {
        const listPath = `${p}.${key}`;
        const slot = `${SLOT}${listPath}`;
        nodes.push({ id: slot, type: 'slot', position: { x: (depth + 1) * X, y: row++ * Y }, data: { label, kind: 'slot', path: listPath, invalid: false, problems: [], parent: String(step.id) } });
        edges.push({ id: `${p}->${slot}`, source: p, target: slot, label });
        const nested = listAt(def, listPath);
        if (nested) chain(nested, slot, listPath, depth + 1);
      }
      prev = p;
    });
  };
  chain(Array.isArray(def.steps) ? def.steps : [], '__trigger', 'steps', 0);
  // Each problem marks one node: the deepest one its path points into (root problems: the trigger's).
  const stepNodes = nodes.filter((n) => n.type === 'step' && n.id !== '__trigger');
  const paths = stepNodes.map((n) => n.data.path);
  for (const problem of problems) {
    const owner = ownerOf(problem.path, paths);
    const node = owner ? stepNodes.find((n) => n.data.path === owner) : problem.path.startsWith('trigger') ? nodes[0] : undefined;
    if (node) {
      node.data.invalid = true;
      node.data.problems.push(`${problem.path}: ${problem.message}`);
    }
  }
  return { nodes, edges };
}

/** Step templates for "Add step", by type. */
export const STEP_TEMPLATES: Record<string, (id: string) => Step> = {
  action: (id) => ({ id, type: 'action', connection: '', action: '', input: {} }),
  approval: (id) => ({ id, type: 'approval', approvers: ['lead'], timeout: '1d', onTimeout: 'reject' }),
  condition: (id) => ({ id, type: 'condition', if: 'true', then: [], else: [] }),
  parallel: (id) => ({ id, type: 'parallel', branches: [[], []] }),
  wait: (id) => ({ id, type: 'wait', duration: '1m' }),
  transform: (id) => ({ id, type: 'transform', output: {} }),
  automation: (id) => ({ id, type: 'automation', automation: '', input: {} }),
  llm: (id) => ({ id, type: 'llm', connection: '', prompt: '' }),
  rag_retrieve: (id) => ({ id, type: 'rag_retrieve', index: '', query: '' }),
  mcp_tool: (id) => ({ id, type: 'mcp_tool', server: '', tool: '' }),
  foreach: (id) => ({ id, type: 'foreach', items: '{{ input.items }}', steps: [] }),
  try: (id) => ({ id, type: 'try', steps: [], catch: [], finally: [] }),
  switch: (id) => ({ id, type: 'switch', value: '{{ input.priority }}', cases: [{ equals: 'high', steps: [] }], default: [] }),
  stop: (id) => ({ id, type: 'stop', status: 'completed' }),
};

/** The value at a dotted path (`steps.0.then`). */
function at(def: Definition, path: string): unknown {
  let cur: unknown = def;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur;
}

/** The step list at a dotted path (`steps`, `steps.0.then`, `steps.1.branches.0`). */
export function listAt(def: Definition, path: string): Step[] | undefined {
  const cur = at(def, path);
  return Array.isArray(cur) ? (cur as Step[]) : undefined;
}

/** The step list at `path`, created (as `[]`) when its parent exists but it does not (a condition without `else`). */
export function ensureListAt(def: Definition, path: string): Step[] | undefined {
  const existing = listAt(def, path);
  if (existing) return existing;
  const i = path.lastIndexOf('.');
  const parent = at(def, path.slice(0, i));
  if (!parent || typeof parent !== 'object' || Array.isArray(parent)) return undefined;
  const list: Step[] = [];
  (parent as Record<string, unknown>)[path.slice(i + 1)] = list;
  return list;
}

/** `steps.0.then.1` → [`steps.0.then`, 1]. */
export function splitStepPath(p: string): [string, number] {
  const i = p.lastIndexOf('.');
  return [p.slice(0, i), Number(p.slice(i + 1))];
}

export function stepAt(def: Definition, path: string): Step | undefined {
  const [list, index] = splitStepPath(path);
  const s = listAt(def, list)?.[index];
  return s && typeof s === 'object' && !Array.isArray(s) ? s : undefined;
}

/** Every step id in the definition, nested ones included. */
export function stepIds(def: Definition): Set<string> {
  const taken = new Set<string>();
  const walk = (list: Step[]) =>
    list.forEach((s) => {
      if (!s || typeof s !== 'object') return;
      taken.add(String(s.id));
      for (const { key } of nestedLists(s)) {
        const nested = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], s);
        if (Array.isArray(nested)) walk(nested as Step[]);
      }
    });
  walk(Array.isArray(def.steps) ? def.steps : []);
  return taken;
}

/**
 * A drawn connection from `source` to `target` moves the target step right after the
 * source step (into the source's list, nesting it when that list is nested), or to the
 * front of a slot's list (the trigger: the top-level list). A step cannot move into itself.
 */
export function connect(def: Definition, source: string, target: string): Definition | undefined {
  if (target === '__trigger' || target.startsWith(SLOT) || source === target) return undefined;
  if (source.startsWith(`${target}.`) || source.startsWith(`${SLOT}${target}.`)) return undefined;
  const copy = structuredClone(def);
  const moved = stepAt(copy, target);
  const [tList, tIndex] = splitStepPath(target);
  const from = listAt(copy, tList);
  if (!moved || !from) return undefined;
  // Resolve the destination before removing (paths shift), then insert by reference.
  let dest: Step[] | undefined;
  let after: Step | undefined;
  if (source === '__trigger') dest = ensureListAt(copy, 'steps');
  else if (source.startsWith(SLOT)) dest = ensureListAt(copy, source.slice(SLOT.length));
  else {
    after = stepAt(copy, source);
    dest = listAt(copy, splitStepPath(source)[0]);
  }
  if (!dest || (after === undefined && !source.startsWith(SLOT) && source !== '__trigger')) return undefined;
  from.splice(tIndex, 1);
  dest.splice(after ? dest.indexOf(after) + 1 : 0, 0, moved);
  return copy;
}
