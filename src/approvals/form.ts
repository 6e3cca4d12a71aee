/**
 * Approval forms: the `form` of an approval step is a JSON Schema (an object schema) of
 * the fields the approver fills when deciding. Checked as a JSON Schema when the
 * automation is saved, and the values are validated against it before a decision reaches
 * the run (400 with paths; the approval stays pending).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { ApiError } from '../errors.ts';

// `strict: false`: a form may carry annotations (title, description, x-…) Ajv does not know.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

/** Problems of `schema` as an approval form (empty: usable); paths relative to the form. */
export function formSchemaProblems(schema: Record<string, unknown>): { path: (string | number)[]; message: string }[] {
  if (schema['type'] !== 'object') return [{ path: ['type'], message: 'an approval form is an object schema: type must be "object"' }];
  if (!ajv.validateSchema(schema)) {
    return (ajv.errors ?? []).map((e) => ({ path: pointerPath(e.instancePath), message: `not a valid JSON Schema: ${e.message ?? e.keyword}` }));
  }
  try {
    ajv.compile(schema);
  } catch (err) {
    return [{ path: [], message: `not a usable JSON Schema: ${(err as Error).message}` }];
  }
  return [];
}

/** The zod field of an approval step's `form`. */
export const approvalFormSchema = z
  .record(z.string(), z.unknown())
  .superRefine((schema, ctx) => {
    for (const p of formSchemaProblems(schema)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  })
  .describe('JSON Schema (type object) of the fields the approver fills when deciding; the values are in `steps.<id>.output.form`');

function pointerPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function errorPath(e: ErrorObject): string {
  const base = pointerPath(e.instancePath);
  if (e.keyword === 'required') base.push((e.params as { missingProperty: string }).missingProperty);
  return ['form', ...base].join('.');
}

/**
 * Validates the values an approver filled in against the step's form; 400 `INVALID_INPUT`
 * with `details: [{ path: 'form.<field>', message }]` when they do not match.
 */
export function assertFormValues(schema: Record<string, unknown>, values: unknown): void {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, validate);
  }
  if (validate(values ?? {})) return;
  const details = (validate.errors ?? []).map((e) => ({ path: errorPath(e), message: e.message ?? e.keyword }));
  throw new ApiError(400, 'INVALID_INPUT', `the form values do not match the approval's form: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
