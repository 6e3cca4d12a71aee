/**
 * Save-time checks of the block steps through the API: 400 with the path of every
 * problem — a try without steps, duplicate switch cases, nesting over the limit, gotos
 * into sibling blocks, and unknown references inside catch, finally, cases and default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../../src/automations/definition.ts';
import { Connection } from '../../src/db/entities/index.ts';
import { createAutomation } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

describe('block steps at save (API)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dialect: 'sqlite', worker: false });
    const em = stack.services.orm.em.fork();
    em.create(Connection, { id: 'conn_slack', connector: 'slack', name: 'slack', config: {}, secrets: null, secretFields: [] });
    await em.flush();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (steps: unknown[]): Promise<{ status: number; body: ErrorBody }> => {
    const res = await stack.api('/api/v1/automations', { method: 'POST', json: { name: 'blocks', trigger: { type: 'manual' }, steps } });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  };
  const post1 = (text: string, id = 'post') => ({ id, type: 'action', connection: 'conn_slack', action: 'send_message', input: { channel: '#ops', text } });

  it('saves try, switch and stop with actions in every nested list', async () => {
    const saved = await createAutomation(stack, {
      name: 'blocks ok',
      trigger: { type: 'manual' },
      steps: [
        { id: 'guard', type: 'try', steps: [post1('a', 'a')], catch: [post1('{{ error.code }}', 'b')], finally: [post1('c', 'c')] },
        { id: 'route', type: 'switch', value: '{{ input.p }}', cases: [{ equals: 'P1', steps: [post1('d', 'd')] }], default: [{ id: 'done', type: 'stop', status: 'completed' }] },
      ],
    });
    expect(saved.version).toBe(1);
  });

  it('refuses a try without steps and duplicate cases, with their paths', async () => {
    const { status, body } = await post([
      { id: 'guard', type: 'try', steps: [] },
      { id: 'route', type: 'switch', value: '{{ input.p }}', cases: [{ equals: 1, steps: [] }, { equals: 1, steps: [] }] },
    ]);
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.details.map((d) => d.path)).toEqual(['body.steps.0.steps', 'body.steps.1.cases.1.equals']);
  });

  it('refuses nesting over the limit and a goto into a sibling block, naming the step', async () => {
    let inner: Record<string, unknown> = { id: 'leaf', type: 'transform', output: 1 };
    for (let d = MAX_NESTING_DEPTH + 1; d >= 1; d--) inner = { id: `t${d}`, type: 'try', steps: [inner] };
    const deep = await post([inner]);
    expect(deep.status).toBe(400);
    expect(deep.body.error.details).toHaveLength(1);
    expect(deep.body.error.details[0]!.message).toContain(`deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(deep.body.error.details[0]!.path).toContain(`(t${MAX_NESTING_DEPTH + 1})`);

    const jump = await post([
      { id: 'guard', type: 'try', steps: [{ id: 'x', type: 'transform', output: 1 }], catch: [{ id: 'c', type: 'transform', output: 1 }] },
      { id: 'route', type: 'switch', value: '{{ input.p }}', cases: [{ equals: 1, steps: [{ id: 'y', type: 'transform', output: 1, onError: 'goto:c' }] }] },
    ]);
    expect(jump.status).toBe(400);
    expect(jump.body.error.details).toEqual([{ path: 'body.steps[1] (route).cases[0].steps[0] (y)', message: expect.stringContaining('goto target "c"') }]);
  });

  it('checks references inside catch, finally, cases and default', async () => {
    const missing = (id: string) => ({ id, type: 'action', connection: 'conn_missing', action: 'x' });
    const { status, body } = await post([
      { id: 'guard', type: 'try', steps: [post1('a', 'a')], catch: [missing('b')], finally: [missing('c')] },
      { id: 'route', type: 'switch', value: '{{ input.p }}', cases: [{ equals: 1, steps: [missing('d')] }], default: [missing('e')] },
    ]);
    expect(status).toBe(400);
    expect(body.error.details.map((d) => d.path)).toEqual([
      'body.steps[0].catch[0].connection',
      'body.steps[0].finally[0].connection',
      'body.steps[1].cases[0].steps[0].connection',
      'body.steps[1].default[0].connection',
    ]);
  });
});
