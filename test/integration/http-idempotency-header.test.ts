/**
 * The `http` connector sends the step's idempotency key (stable across retries) on
 * state-changing requests, so a receiver can drop the repeat of an attempt whose
 * answer was lost. The header name is per connection and can be turned off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

describe('http connector Idempotency-Key', () => {
  let stack: TestStack;
  let fake: HttpFake;
  const failFirst = new Set<string>();

  beforeAll(async () => {
    fake = await httpFake((req) => {
      // The first attempt of /flaky is answered 503: Temporal retries the step.
      if (req.url === '/flaky' && !failFirst.has(req.url)) {
        failFirst.add(req.url);
        return { status: 503, body: { error: 'try again' } };
      }
      return { body: { ok: true } };
    });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  async function act(connectionId: string, input: unknown): Promise<{ status: number; body: { workflowId: string } }> {
    const res = await stack.api(`/api/v1/connections/${connectionId}/actions/request`, { method: 'POST', json: { input } });
    return { status: res.status, body: (await res.json()) as { workflowId: string } };
  }
  const requestsTo = (path: string) => fake.requests().filter((r) => r.url === path);

  it('a retried attempt carries the same Idempotency-Key as the first', async () => {
    const id = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url });
    const res = await act(id, { method: 'POST', url: '/flaky', body: { n: 1 } });
    expect(res.status).toBe(200);
    const attempts = requestsTo('/flaky');
    expect(attempts).toHaveLength(2);
    const keys = attempts.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toBeTruthy();
    expect(keys[0]).toContain(res.body.workflowId);
    expect(keys[1]).toBe(keys[0]);
  }, 60_000);

  it('sends none on GET, honours a configured header name, can be turned off, and an explicit header wins', async () => {
    const id = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url });
    expect((await act(id, { method: 'GET', url: '/read' })).status).toBe(200);
    expect(requestsTo('/read')[0]!.headers['idempotency-key']).toBeUndefined();

    expect((await act(id, { method: 'DELETE', url: '/explicit', headers: { 'IDEMPOTENCY-KEY': 'mine' } })).status).toBe(200);
    expect(requestsTo('/explicit')[0]!.headers['idempotency-key']).toBe('mine');

    const named = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url, idempotencyKeyHeader: 'X-Request-Key' });
    const put = await act(named, { method: 'PUT', url: '/named', body: {} });
    expect(put.status).toBe(200);
    expect(requestsTo('/named')[0]!.headers['x-request-key']).toContain(put.body.workflowId);
    expect(requestsTo('/named')[0]!.headers['idempotency-key']).toBeUndefined();

    const off = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url, idempotencyKeyHeader: false });
    expect((await act(off, { method: 'POST', url: '/off', body: {} })).status).toBe(200);
    expect(requestsTo('/off')[0]!.headers['idempotency-key']).toBeUndefined();
  });
});
