/**
 * `POST /api/v1/automations/validate`: every problem saving would report, at dotted
 * paths, for any JSON body; nothing saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
