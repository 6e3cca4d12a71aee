// The inspector form of a step, generated from its step type's JSON Schema
// (GET /automations/step-schemas). Plain fields (strings, numbers, booleans, enums and
// nested objects of them) are rjsf fields; lists of strings are comma-separated text;
// anything else (free JSON, unions, lists of objects) is edited as JSON text.
import Form from '@rjsf/core';
import type { RJSFSchema, UiSchema, WidgetProps } from '@rjsf/utils';
import { useEffect, useMemo, useState } from 'react';
import type { StepSchemas } from './api.ts';
import type { Step } from './flow.ts';
import { useApi } from './queries.ts';
import { validator } from './validator.ts';

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of each step type, fetched once per page load (they change with the server only). */
export function useStepSchemas(): Record<string, JsonSchema> | undefined {
  const { data } = useApi<StepSchemas>('/automations/step-schemas', { staleTime: Infinity });
  return useMemo(() => (data ? Object.fromEntries(data.items.map((i) => [i.type, i.schema])) : undefined), [data]);
}

/** Labels that say more than the field name. */
const TITLES: Record<string, string> = { if: 'If (expression)', when: 'Run only when (expression, optional)', until: 'Until (expression)' };
const humanise = (key: string): string => {
  if (TITLES[key]) return TITLES[key];
  const words = key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const isStringish = (s: JsonSchema): boolean => s['type'] === 'string' || typeof s['const'] === 'string' || (Array.isArray(s['enum']) && s['enum'].every((v) => typeof v === 'string'));

/** A property's form schema and ui schema (`kind`: how its value is shown). */
function fieldOf(key: string, s: JsonSchema): { schema: JsonSchema; ui: UiSchema } {
  const title = humanise(key);
  const description = typeof s['description'] === 'string' ? s['description'] : undefined;
  const text = (widget: string, hint?: string) => ({ schema: { type: 'string', title: hint ? `${title} (${hint})` : title, ...(description ? { description } : {}) }, ui: { 'ui:widget': widget } });
  const union = (s['anyOf'] ?? s['oneOf']) as JsonSchema[] | undefined;
  if (union) return union.every(isStringish) ? text('text') : text('json', 'JSON');
  const type = s['type'];
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return { schema: { ...s, title }, ui: {} };
  if (type === 'array') {
    const items = (s['items'] ?? {}) as JsonSchema;
    return items['type'] === 'string' && !items['enum'] ? text('csv', 'comma-separated') : text('json', 'JSON');
  }
  if (type === 'object' && s['properties'] && !(s['additionalProperties'] && typeof s['additionalProperties'] === 'object')) {
    const inner = objectOf(s, new Set());
    return { schema: { ...inner.schema, title, ...(description ? { description } : {}) }, ui: inner.ui };
  }
  return text('json', 'JSON');
}

function objectOf(s: JsonSchema, skip: Set<string>): { schema: JsonSchema; ui: UiSchema } {
  const properties: Record<string, JsonSchema> = {};
  const ui: UiSchema = {};
  for (const [key, prop] of Object.entries((s['properties'] ?? {}) as Record<string, JsonSchema>)) {
    if (skip.has(key)) continue;
    const field = fieldOf(key, prop);
    properties[key] = field.schema;
    if (Object.keys(field.ui).length) ui[key] = field.ui;
  }
  const required = ((s['required'] ?? []) as string[]).filter((k) => k in properties);
  return { schema: { type: 'object', properties, ...(required.length ? { required } : {}) }, ui };
}

/** Comma-separated text for a list of strings; keeps what is typed until it means another list. */
function CsvWidget({ id, value, onChange, disabled, readonly }: WidgetProps) {
  const list = Array.isArray(value) ? (value as unknown[]).map(String) : [];
  const [text, setText] = useState(list.join(', '));
  const parse = (t: string) => t.split(',').map((v) => v.trim()).filter(Boolean);
  useEffect(() => {
    if (parse(text).join('\n') !== list.join('\n')) setText(list.join(', '));
  }, [list.join('\n')]);
  return (
    <input
      id={id}
      className="form-control"
      value={text}
      disabled={disabled || readonly}
      onChange={(e) => {
        setText(e.target.value);
        const next = parse(e.target.value);
        onChange(next.length ? next : undefined);
      }}
    />
  );
}

/** JSON text for a value of any shape; an unparsable draft stays local and is flagged. */
function JsonWidget({ id, value, onChange, disabled, readonly }: WidgetProps) {
  const format = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));
  const [text, setText] = useState(format(value));
  const [bad, setBad] = useState('');
  useEffect(() => {
    let same: boolean;
    try {
      same = text.trim() === '' ? value === undefined : JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
    } catch {
      same = false;
    }
    if (!same && !bad) setText(format(value));
  }, [JSON.stringify(value)]);
  return (
    <>
      <textarea
        id={id}
        className="form-control json-field"
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        value={text}
        disabled={disabled || readonly}
        aria-invalid={bad ? true : undefined}
        aria-describedby={bad ? `${id}-bad` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad('');
            onChange(undefined);
            return;
          }
          try {
            const parsed = JSON.parse(e.target.value) as unknown;
            setBad('');
            onChange(parsed);
          } catch (err) {
            setBad((err as Error).message);
          }
        }}
      />
      {bad && (
        <span id={`${id}-bad`} className="error">
          Not JSON yet: {bad}
        </span>
      )}
    </>
  );
}

const widgets = { csv: CsvWidget, json: JsonWidget };

/** Fields every step type has (shown after the type's own). */
const COMMON_FIELDS = ['name', 'when', 'retry', 'timeout', 'onError'];

/** Fields the inspector edits elsewhere: the id, the type, nested step lists (the graph), an action's pickers. */
function skippedFields(type: string): Set<string> {
  const skip = new Set(['id', 'type', 'then', 'else', 'branches', 'steps', 'catch', 'finally', 'cases', 'default']);
  if (type === 'action') for (const k of ['connection', 'action', 'input']) skip.add(k);
  return skip;
}

/**
 * The form's data without `undefined` members, and without the empty objects a cleared
 * nested form object leaves (`retry: {}`); values of JSON fields stay as they are.
 */
function prune(schema: JsonSchema, v: unknown): unknown {
  const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
  if (schema['type'] !== 'object' || !properties || !v || typeof v !== 'object' || Array.isArray(v)) return v;
  const out = Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, properties[k] ? prune(properties[k], x) : x] as const)
      .filter(([, x]) => x !== undefined),
  );
  return Object.keys(out).length ? out : undefined;
}
/** JSON with object keys sorted: the same data in another key order compares equal. */
const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x));

/**
 * The form of `step` from its type's JSON Schema. `onChange` gets the form's fields
 * (absent ones `undefined`), to merge into the step.
 */
export function StepForm({ step, schema, formKey, onChange }: { step: Step; schema: JsonSchema; formKey: string; onChange: (patch: Record<string, unknown>) => void }) {
  const skip = skippedFields(step.type);
  const { schema: formSchema, ui } = objectOf(schema, skip);
  const fields = Object.keys(formSchema['properties'] as JsonSchema);
  // The type's own fields first, then those every step has.
  const common = COMMON_FIELDS.filter((k) => fields.includes(k) && !(step.type === 'approval' && k === 'timeout'));
  ui['ui:order'] = ['*', ...common];
  const formData = Object.fromEntries(fields.filter((k) => step[k] !== undefined).map((k) => [k, step[k]]));
  if (fields.length === 0) return null;
  return (
    <Form
      key={formKey}
      tagName="div"
      idPrefix="step"
      idSeparator="-"
      className="step-form"
      schema={formSchema as RJSFSchema}
      uiSchema={ui}
      formData={formData}
      widgets={widgets}
      validator={validator}
      experimental_defaultFormStateBehavior={{ emptyObjectFields: 'skipEmptyDefaults' }}
      onChange={(e) => {
        const next = (prune(formSchema, e.formData) ?? {}) as Record<string, unknown>;
        if (canon(next) === canon(formData)) return;
        onChange(Object.fromEntries(fields.map((k) => [k, next[k]])));
      }}
      noHtml5Validate
    >
      <></>
    </Form>
  );
}
