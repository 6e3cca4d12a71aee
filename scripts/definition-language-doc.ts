// Renders docs/reference/definition-language.md from the definition language's zod schemas
// (src/automations/definition.ts): the definition, its triggers and every step type, with their
// fields as the API validates them. `npm run docs:generate` writes the file;
// test/unit/definition-language-doc.test.ts fails when the checked-in file is stale.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { definitionSchema, stepBase, stepJsonSchemas, triggerSchema } from '../src/automations/definition.ts';

export const DEFINITION_LANGUAGE_DOC = fileURLToPath(new URL('../docs/reference/definition-language.md', import.meta.url));

type JsonSchema = Record<string, unknown>;
interface Row {
  field: string;
  type: string;
  required: boolean;
  note: string;
}

/** One line per step type; the schemas carry the fields, this says what the step is for. */
const STEP_SUMMARIES: Record<string, string> = {
  action: 'Runs a connector action on a connection (an activity with the step’s retry policy).',
  condition: 'Runs `then` when the JSONata expression `if` is true, else `else`.',
  branch: 'Another name for `condition`.',
  parallel: 'Runs each list of `branches` at the same time; the step ends when all have.',
  wait: 'Waits a `duration`, or `until` a time (a template), on a durable timer.',
  approval: 'Waits for people to approve or reject: see [approvals](../concepts/approvals.md).',
  transform: 'Computes `output` from templates; no activity.',
  automation: 'Runs another automation’s current version as a child run and returns its outputs.',
  llm: 'Calls a language model on a connection whose connector provides `llm`: see [AI steps](../concepts/ai-steps.md).',
  rag_retrieve: 'Retrieves the best chunks of a RAG index for a query.',
  mcp_tool: 'Calls a tool of a registered MCP server.',
};

/** What the definition's own fields mean (the schema has the shapes). */
const DEFINITION_NOTES: Record<string, string> = {
  input: 'JSON Schema the API checks run inputs against',
  trigger: 'see [Triggers](#triggers)',
  steps: 'run in order; see the step types below',
  'budget.maxSteps': 'step executions a run may make (default 1000)',
  'budget.maxTokens': 'LLM tokens per run (input + output)',
};

const toJson = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

// Patterns with a name of their own, read from the schemas so they cannot drift.
const baseProps = (toJson(stepBase)['properties'] ?? {}) as Record<string, JsonSchema>;
const DURATION_PATTERN = baseProps['timeout']?.['pattern'];
const STEP_ID_PATTERN = baseProps['id']?.['pattern'];
const baseRequired = new Set((toJson(stepBase)['required'] ?? []) as string[]);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function range(s: JsonSchema): string {
  const min = s['minimum'] as number | undefined;
  const max = s['maximum'] as number | undefined;
  const hasMax = max !== undefined && max !== MAX_SAFE;
  if (min !== undefined && hasMax) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return hasMax ? ` ≤ ${max}` : '';
}

/** A short type expression for a JSON Schema node. */
function typeOf(s: JsonSchema, defs: Record<string, JsonSchema>): string {
  if (typeof s['$ref'] === 'string') {
    const name = s['$ref'].replace(/^#\/\$defs\//, '');
    return name === 'AutomationStep' ? 'step' : typeOf(defs[name] ?? {}, defs);
  }
  if (s['description'] === 'a step (AutomationStep)') return 'step';
  if ('const' in s) return `\`${JSON.stringify(s['const'])}\``;
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  const variants = (s['anyOf'] ?? s['oneOf']) as JsonSchema[] | undefined;
  if (variants) return variants.map((v) => typeOf(v, defs)).join(' \\| ');
  switch (s['type']) {
    case 'string': {
      const pattern = s['pattern'] as string | undefined;
      if (pattern === DURATION_PATTERN) return 'duration (`30s`, `10m`, `2h`, `3d`)';
      if (pattern === STEP_ID_PATTERN) return 'step id';
      if (pattern?.startsWith('^goto:')) return '`goto:<step id>`';
      if (pattern?.includes('\\u0000')) return `printable text${s['maxLength'] ? `, at most ${s['maxLength'] as number} characters` : ''}`;
      return pattern ? `string matching \`${pattern}\`` : 'string';
    }
    case 'integer':
    case 'number':
      return `${s['type'] as string}${range(s)}`;
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = typeOf((s['items'] ?? {}) as JsonSchema, defs);
      const min = s['minItems'] as number | undefined;
      return `list of ${item}${min ? ` (at least ${min})` : ''}`;
    }
    case 'object': {
      const props = s['properties'] as Record<string, JsonSchema> | undefined;
      if (!props) return 'object (any keys)';
      const required = new Set((s['required'] ?? []) as string[]);
      const field = (k: string): string => {
        const p = props[k]!;
        const name = required.has(k) ? k : `${k}?`;
        return 'const' in p || Array.isArray(p['enum']) ? `${name}: ${typeOf(p, defs)}` : name;
      };
      return `{ ${Object.keys(props).map(field).join(', ')} }`;
    }
    default:
      return 'any JSON value';
  }
}

/** Rows for an object's fields; nested objects with fields get a row each, dotted. */
function rows(s: JsonSchema, defs: Record<string, JsonSchema>, prefix = '', skip: ReadonlySet<string> = new Set()): Row[] {
  const props = (s['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s['required'] ?? []) as string[]);
  return Object.entries(props).flatMap(([name, prop]) => {
    if (skip.has(name)) return [];
    const field = `${prefix}${name}`;
    const note = [prop['description'], prop['default'] !== undefined ? `default \`${JSON.stringify(prop['default'])}\`` : undefined].filter(Boolean).join('; ');
    const row: Row = { field, type: typeOf(prop, defs), required: required.has(name), note };
    const nested = prop['type'] === 'object' && prop['properties'] ? rows(prop, defs, `${field}.`) : [];
    return [row, ...nested];
  });
}

function table(list: Row[]): string {
  const lines = ['| field | type | required | notes |', '| --- | --- | --- | --- |'];
  for (const r of list) lines.push(`| \`${r.field}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.note.replace(/\|/g, '\\|')} |`);
  return lines.join('\n');
}

/** The whole reference page, deterministic for a given set of schemas. */
export function renderDefinitionLanguage(): string {
  const raw = toJson(definitionSchema);
  const defs = (raw['$defs'] ?? {}) as Record<string, JsonSchema>;
  // The definition carries an id (meta), so its schema is a $ref into $defs.
  const definition = typeof raw['$ref'] === 'string' ? (defs[raw['$ref'].replace(/^#\/\$defs\//, '')] ?? raw) : raw;
  const triggers = ((toJson(triggerSchema)['oneOf'] ?? toJson(triggerSchema)['anyOf']) ?? []) as JsonSchema[];
  const steps = stepJsonSchemas();
  const base = Object.keys(baseProps);
  const out: string[] = [
    '# Definition language',
    '',
    '<!-- Generated by `npm run docs:generate` (scripts/definition-language-doc.ts) from the zod schemas in',
    'src/automations/definition.ts. Do not edit by hand: test/unit/definition-language-doc.test.ts fails when it is stale. -->',
    '',
    'An automation definition is JSON (the CLI also reads YAML). This page lists every field the API',
    'accepts, generated from the schemas that validate it; what the parts mean is in',
    '[automations](../concepts/automations.md). Text fields of steps are templates (`{{ … }}`, JSONata).',
    'Rules between fields (unique step ids, goto targets, references to connections, indexes and',
    'servers, a wait with exactly one of `duration` and `until`, …) are checked when saving;',
    '`POST /api/v1/automations/validate` reports every problem with its path.',
    '',
    `Step types: ${steps.map((s) => `[\`${s.type}\`](#${s.type})`).join(' · ')}`,
    '',
    '## Definition',
    '',
    table(rows(definition, defs).map((r) => ({ ...r, note: [r.note, DEFINITION_NOTES[r.field]].filter(Boolean).join('; ') }))),
    '',
    '## Triggers',
    '',
  ];
  for (const trigger of triggers) {
    const type = ((trigger['properties'] as Record<string, JsonSchema>)['type']?.['const'] as string) ?? '?';
    out.push(`### trigger \`${type}\``, '', table(rows(trigger, defs, '', new Set(['type']))), '');
  }
  out.push('## Fields of every step', '', table(rows(toJson(stepBase), defs)), '');
  for (const { type, schema } of steps) {
    out.push(`## ${type}`, '', STEP_SUMMARIES[type] ?? `The \`${type}\` step.`, '');
    // Fields every step has are listed once above, unless this step type changes them (approval's timeout is required).
    const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema['required'] ?? []) as string[]);
    const same = base.filter((k) => required.has(k) === baseRequired.has(k) && JSON.stringify(props[k]) === JSON.stringify(baseProps[k]));
    const own = rows(schema, defs, '', new Set([...same, 'type']));
    out.push(own.length ? table(own) : 'No fields besides those of every step.', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  writeFileSync(DEFINITION_LANGUAGE_DOC, renderDefinitionLanguage());
  console.log(`wrote ${DEFINITION_LANGUAGE_DOC}`);
}
