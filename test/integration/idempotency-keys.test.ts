/**
 * `Idempotency-Key` on the API: a repeat after the first run closed returns the first
 * result and runs nothing; the same key with another body answers 422
 * IDEMPOTENCY_KEY_REUSED and runs nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { createAutomation, startRun, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

describe('Idempotency-Key on the API', () => {
  let stack: TestStack;
  let fake: HttpFake;
  let calls = 0;

  beforeAll(async () => {
    fake = await httpFake(() => ({ body: { call: ++calls } }));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  async function runAction(id: string, input: unknown, key: string): Promise<{ status: number; body: any }> {
    const res = await stack.api(`/api/v1/connections/${id}/actions/request`, { method: 'POST', json: { input }, headers: { 'idempotency-key': key } });
    return { status: res.status, body: await res.json() };
  }

  it('POST /connections/:id/actions/:action: a repeat after the run closed returns the first result and calls nothing', async () => {
    const id = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url });
    const input = { method: 'POST', url: '/charge', body: { amount: 5 } };
    const first = await runAction(id, input, 'charge-1');
    expect(first.status).toBe(200);
    expect(first.body.output.body).toEqual({ call: 1 });
    expect(fake.requests()).toHaveLength(1);

    // The first run has closed: the same key and input answers its result, with no new call.
    const again = await runAction(id, { body: { amount: 5 }, url: '/charge', method: 'POST' }, 'charge-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(fake.requests()).toHaveLength(1);

    const reused = await runAction(id, { ...input, body: { amount: 500 } }, 'charge-1');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED', details: [{ path: 'Idempotency-Key', message: expect.stringContaining(first.body.workflowId) }] } });
    expect(fake.requests()).toHaveLength(1);

    // Another key is another request.
    const other = await runAction(id, input, 'charge-2');
    expect(other.status).toBe(200);
    expect(other.body.output.body).toEqual({ call: 2 });
  });

  it('POST /automations/:id/runs: a repeat after the run closed answers the first run; another body answers 422', async () => {
    const { id } = await createAutomation(stack, {
      name: 'idempotent run',
      trigger: { type: 'manual' },
      steps: [{ id: 'double', type: 'transform', output: '{{ input.n * 2 }}' }],
    });
    const first = await startRun(stack, id, { n: 2 }, 'order-7');
    expect(first.status).toBe(202);
    await waitForRun(stack, first.body.workflowId, (r) => r.status === 'completed', 'the run to complete');

    const again = await startRun(stack, id, { n: 2 }, 'order-7');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true, workflowId: first.body.workflowId, runId: first.body.runId });

    const reused = await startRun(stack, id, { n: 3 }, 'order-7');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('declares 422 and 503 on both routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const path of ['/api/v1/connections/{id}/actions/{action}', '/api/v1/automations/{id}/runs']) {
      expect(Object.keys(doc.paths[path]!['post']!.responses), path).toEqual(expect.arrayContaining(['422', '503']));
    }
  });
});
