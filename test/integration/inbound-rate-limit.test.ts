/**
 * Inbound limits (issue 12): per API key (`SWITCHBOARD_API_RATE_LIMIT`) and per webhook
 * connection (`config.inboundRateLimit`, off by default), answered `429 RATE_LIMITED`
 * with `Retry-After`. A delivery answered 429 is not recorded: its provider retries it.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../connectors/sdk/index.ts';
import { Redis } from 'ioredis';
import { ApiError } from '../../src/errors.ts';
import { rateLimitedRequests } from '../../src/metrics/metrics.ts';
import { InboundRateLimiter } from '../../src/security/inbound-rate-limit.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver, nowSeconds } from '../support/webhooks.ts';

const WHSEC = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;

const limited = async (kind: string): Promise<number> => (await rateLimitedRequests.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

describe('inbound rate limits', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No worker: acceptance is Temporal's start, and nothing here needs a run to finish.
    stack = await startTestStack({ worker: false, env: { SWITCHBOARD_API_RATE_LIMIT: '4/1m' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After once a key spent its budget; another key has its own', async () => {
    const before = await limited('api_key');
    const created = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'reader', scopes: ['admin'] } });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    for (let i = 0; i < 3; i++) expect((await stack.api('/api/v1/connections')).status).toBe(200);
    const over = await stack.api('/api/v1/connections');
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(await limited('api_key')).toBe(before + 1);

    const other = await stack.api('/api/v1/connections', { headers: { authorization: `Bearer ${key}` } });
    expect(other.status).toBe(200);
    // Unauthenticated requests are refused as before, not counted against anyone.
    expect((await stack.api('/api/v1/connections', { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(401);
  });

  it('limits a webhook connection with inboundRateLimit: the delivery over it is answered 429 and not recorded', async () => {
    const hook = await createTestConnection(stack.services, 'webhook', { signingSecret: WHSEC }, { inboundRateLimit: { requests: 2, per: '1m' } });
    const open = await createTestConnection(stack.services, 'webhook', { signingSecret: WHSEC });
    const send = (connection: string, id = `msg_${randomUUID()}`, secret = WHSEC) => {
      const body = JSON.stringify({ type: 'order.created', data: { id } });
      const ts = nowSeconds();
      return deliver(stack.baseUrl, `/webhooks/webhook/${connection}`, body, {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStandardWebhook({ id, timestamp: ts, rawBody: body, secret }),
      });
    };
    const before = await limited('webhook');
    // A forged delivery is refused (401) and spends nothing of the provider's budget.
    expect((await send(hook, 'msg_forged', `whsec_${Buffer.alloc(24, 4).toString('base64')}`)).status).toBe(401);
    expect((await send(hook)).status).toBe(202);
    expect((await send(hook)).status).toBe(202);
    const overId = `msg_${randomUUID()}`;
    const over = await send(hook, overId);
    expect(over.status).toBe(429);
    expect(over.json).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expect(stack.services.temporal.client.workflow.getHandle(`wh:webhook:${hook}:${overId}`).describe()).rejects.toThrow(/not found/i);
    expect(await limited('webhook')).toBe(before + 1);

    // Off by default: a connection without inboundRateLimit takes every delivery.
    for (let i = 0; i < 4; i++) expect((await send(open)).status).toBe(202);
  });
});

describe('inbound rate limits in Redis', () => {
  it('two API processes share one budget through Redis (127.0.0.1:6379)', async () => {
    // One given a client, one given the URL (SWITCHBOARD_REDIS_URL: connected on first use).
    const a = new InboundRateLimiter(new Redis('redis://127.0.0.1:6379'));
    const b = new InboundRateLimiter('redis://127.0.0.1:6379');
    try {
      const key = `key_${randomUUID()}`;
      const limit = { requests: 3, per: '1m' } as const;
      await a.consume('api_key', key, limit);
      await b.consume('api_key', key, limit);
      await a.consume('api_key', key, limit);
      const over = await b.consume('api_key', key, limit).then(() => undefined, (err: unknown) => err);
      expect(over).toBeInstanceOf(ApiError);
      expect(over).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      // Another key is not affected.
      await expect(b.consume('api_key', `key_${randomUUID()}`, limit)).resolves.toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('loads ioredis only once a limiter with a Redis URL counts a request, not at API start-up', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/run-ts.mjs', 'test/fixtures/ioredis-loaded.ts', 'redis://127.0.0.1:6379'], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ startup: false, memory: false, redis: true });
  });
});
