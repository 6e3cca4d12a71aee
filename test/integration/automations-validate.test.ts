/**
 * `POST /api/v1/automations/validate`: every problem saving would report, at dotted
 * paths, for any JSON body; nothing saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@cfworker/json-schema';
import { STEP_TYPES } from '../../src/automations/definition.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

interface Validation {
  valid: boolean;
  errors: { path: string; message: string }[];
}

describe('automation validation API', () => {
  let stack: TestStack;
  let logging = '';
  beforeAll(async () => {
    stack = await startTestStack();
    logging = await createTestConnection(stack.services, 'logging', {});
  });
  afterAll(async () => {
    await stack?.close();
  });
  const validate = async (body: unknown, query = ''): Promise<Validation> => {
    const res = await stack.api(`/api/v1/automations/validate${query}`, { method: 'POST', json: body });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Validation;
  };

  it('answers valid for a good definition and saves nothing', async () => {
    const before = ((await (await stack.api('/api/v1/automations')).json()) as { items: unknown[] }).items.length;
    const result = await validate({
      name: 'ok',
      trigger: { type: 'manual' },
      steps: [{ id: 'check', type: 'condition', if: 'true', then: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'hi' } }] }],
    });
    expect(result).toEqual({ valid: true, errors: [] });
    expect(((await (await stack.api('/api/v1/automations')).json()) as { items: unknown[] }).items).toHaveLength(before);
  });

  it('lists shape, cross-check and reference problems at dotted paths', async () => {
    expect(await validate({ name: 'x', trigger: { type: 'manual' }, steps: [{ id: 'bad id!', type: 'wait', duration: '1m' }] })).toEqual({
      valid: false,
      errors: [{ path: 'steps.0.id', message: expect.stringContaining('must start with a letter') }],
    });
    // Nested steps: a bad expression and a duplicate id, in then/else and parallel branches.
    const nested = await validate({
      name: 'x',
      trigger: { type: 'manual' },
      steps: [
        { id: 'a', type: 'condition', if: 'true', then: [{ id: 'b', type: 'transform', output: 1, when: '(((' }], else: [] },
        { id: 'p', type: 'parallel', branches: [[{ id: 'b', type: 'transform', output: 2 }]] },
      ],
    });
    expect(nested.valid).toBe(false);
    expect(nested.errors.map((e) => e.path).sort()).toEqual(['steps.0.then.0.when', 'steps.1.branches.0.0']);
    const refs = await validate({ name: 'x', trigger: { type: 'manual' }, steps: [{ id: 'send', type: 'action', connection: 'conn_nope', action: 'log' }] });
    expect(refs).toMatchObject({ valid: false, errors: [{ path: 'steps.0.connection' }] });
  });

  it('answers 200 with problems for any JSON object or array, 400 for other bodies and bad query ids', async () => {
    for (const body of [[], {}, [1, 2], { steps: 'no', trigger: null }, { name: 'x', trigger: { type: 'manual' }, steps: [null] }]) {
      const result = await validate(body);
      expect(result.valid, JSON.stringify(body)).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
    // Like every route: a bare JSON value is not a body (INVALID_JSON, the standard error shape).
    const bare = await stack.api('/api/v1/automations/validate', { method: 'POST', json: 'text' });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    const bad = await stack.api('/api/v1/automations/validate?automationId=%00', { method: 'POST', json: {} });
    expect(bad.status).toBe(400);
  });

  it('GET /automations/step-schemas gives a JSON Schema per step type that checks what the definition language checks', async () => {
    const res = await stack.api('/api/v1/automations/step-schemas');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { type: string; schema: { properties: Record<string, Record<string, unknown>>; required?: string[]; additionalProperties?: unknown } }[] };
    expect(items.map((i) => i.type)).toEqual(STEP_TYPES);
    const of = (type: string) => items.find((i) => i.type === type)!.schema;
    expect(of('llm').properties['type']).toEqual({ type: 'string', const: 'llm' });
    expect(of('llm').required).toEqual(expect.arrayContaining(['id', 'type', 'connection']));
    expect(of('llm').additionalProperties).toBe(false);
    expect(of('rag_retrieve').properties['topK']).toMatchObject({ type: 'integer', minimum: 1, maximum: 50 });
    expect(of('approval').properties['approvers']).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(of('branch').properties['type']).toEqual({ type: 'string', const: 'branch' });
    // Nested step lists are arrays of open objects, not the recursive union.
    expect(of('condition').properties['then']).toMatchObject({ type: 'array', items: { type: 'object' } });
    expect(JSON.stringify(items)).not.toContain('$ref');
    // A step the schema accepts, the API accepts (and the reverse for a missing field).
    const v = new Validator(of('rag_retrieve') as never, '2020-12');
    expect(v.validate({ id: 'r', type: 'rag_retrieve', index: 'docs', query: 'q', topK: 3 }).valid).toBe(true);
    expect(v.validate({ id: 'r', type: 'rag_retrieve', index: 'docs', topK: 3 }).valid).toBe(false);

    const created = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'no automations', principal: 'x', scopes: ['runs:read'] } });
    const { key } = (await created.json()) as { key: string };
    const denied = await fetch(`${stack.baseUrl}/api/v1/automations/step-schemas`, { headers: { authorization: `Bearer ${key}` } });
    expect(denied.status).toBe(403);
  });
});
