// A JSON-Schema validator for @rjsf/core that never evaluates generated code, so the
// console runs under the API's strict CSP (no 'unsafe-eval'); @rjsf/validator-ajv8
// compiles schemas with `new Function` and would need it.
import { Validator } from '@cfworker/json-schema';
import { toErrorSchema, type RJSFSchema, type RJSFValidationError, type ValidationData, type ValidatorType } from '@rjsf/utils';

function validate(schema: RJSFSchema, data: unknown) {
  return new Validator(schema as never, '2020-12', false).validate(data ?? {});
}

function toErrors(schema: RJSFSchema, data: unknown): RJSFValidationError[] {
  const result = validate(schema, data);
  if (result.valid) return [];
  // cfworker reports every failed keyword up the tree; keep the leaves (the specific ones).
  return result.errors
    .filter((e) => !['properties', 'allOf', 'anyOf', 'oneOf', 'items', '$ref'].includes(e.keyword))
    .map((e) => {
      const path = e.instanceLocation.replace(/^#/, '');
      const property = path.split('/').filter(Boolean).map((p) => `.${p}`).join('');
      const missing = e.keyword === 'required' ? /"([^"]+)"/.exec(e.error)?.[1] : undefined;
      return {
        name: e.keyword,
        property: missing ? `${property}.${missing}` : property,
        message: missing ? 'is required' : e.error,
        stack: `${missing ? `${property}.${missing}` : property || '.'} ${missing ? 'is required' : e.error}`,
        schemaPath: e.keywordLocation,
      };
    });
}

export const validator: ValidatorType = {
  validateFormData(formData, schema, customValidate, transformErrors): ValidationData<unknown> {
    let errors = toErrors(schema, formData);
    if (transformErrors) errors = transformErrors(errors);
    const errorSchema = toErrorSchema(errors.map((e) => ({ ...e, property: e.property ?? '' })));
    void customValidate;
    return { errors, errorSchema };
  },
  isValid(schema, formData, rootSchema) {
    const withDefs = { ...schema, $defs: (rootSchema as { $defs?: unknown }).$defs } as RJSFSchema;
    return validate(withDefs, formData).valid;
  },
  rawValidation(schema, formData) {
    const result = validate(schema, formData);
    return result.valid ? {} : { errors: result.errors as never[] };
  },
};
