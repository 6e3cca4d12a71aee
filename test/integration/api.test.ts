import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { withTemporal } from '../../src/services.ts';
import { createLogger } from '../../src/logger.ts';
import { createTemporalClient } from '../../src/temporal/client.ts';
import { freePort } from '../support/ports.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

describe.each(['sqlite', 'postgresql'] as const)('HTTP API skeleton on %s', (dialect) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dialect });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers liveness and readiness', async () => {
    const live = await fetch(`${stack.baseUrl}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: { ok: true }, database: { ok: true } } });
  });

  it('requires an API key under /api/v1', async () => {
    const none = await fetch(`${stack.baseUrl}/api/v1/system`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const wrong = await fetch(`${stack.baseUrl}/api/v1/system`, { headers: { authorization: 'Bearer sb_nope_nope' } });
    expect(wrong.status).toBe(401);
    const ok = await stack.api('/api/v1/system');
    expect(ok.status).toBe(200);
    const header = await fetch(`${stack.baseUrl}/api/v1/system`, { headers: { 'x-api-key': TEST_API_KEY } });
    expect(header.status).toBe(200);
    const wrongHeader = await fetch(`${stack.baseUrl}/api/v1/system`, { headers: { 'x-api-key': 'sb_nope_nope' } });
    expect(wrongHeader.status).toBe(401);
    expect(await ok.json()).toMatchObject({ temporal: { namespace: 'default' }, database: dialect });
  });

  it('accepts created keys until they are revoked', async () => {
    const created = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'robot', scopes: ['metrics:read'] } });
    expect(created.status).toBe(201);
    const { key, id } = (await created.json()) as { key: string; id: string };
    const auth = { headers: { authorization: `Bearer ${key}` } };
    expect((await fetch(`${stack.baseUrl}/api/v1/system`, auth)).status).toBe(200);
    const list = (await (await stack.api('/api/v1/api-keys')).json()) as { items: unknown[] };
    expect(JSON.stringify(list)).not.toContain(key);
    expect((await stack.api(`/api/v1/api-keys/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${stack.baseUrl}/api/v1/system`, auth)).status).toBe(401);
  });

  it('answers errors as JSON without stack traces or X-Powered-By', async () => {
    const missing = await fetch(`${stack.baseUrl}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(missing.headers.get('x-powered-by')).toBeNull();
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');

    const badJson = await stack.api('/api/v1/api-keys', { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
    const body = (await badJson.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_JSON');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);

    const invalid = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: '', scopes: ['runs:read'] } });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: [{ path: 'body.name' }] } });
  });

  it('serves a valid OpenAPI 3 document and interactive docs', async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/readyz',
        '/api/v1/system',
        '/api/v1/api-keys/{id}',
        '/api/v1/connections/test',
        '/api/v1/connections/{id}/test',
        '/api/v1/automations/{id}/versions/{version}',
      ]),
    );
    const docs = await fetch(`${stack.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });

  it('runs the self-check workflow through the API, worker and database', async () => {
    const res = await stack.api('/api/v1/system/self-check', { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; workflowId: string; activity: { database: string; dialect: string } };
    expect(body).toMatchObject({ ok: true, activity: { database: 'ok' } });
    expect(body.activity.dialect).toMatch(dialect === 'sqlite' ? /Sqlite/ : /PostgreSql/);
    const described = await stack.services.temporal.client.workflow.getHandle(body.workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
  });
});

describe('readiness with Temporal down', () => {
  it('answers 503 naming Temporal', async () => {
    const stack = await startTestStack({ worker: false });
    const port = await freePort();
    const deadTemporal = createTemporalClient({ namespace: 'default', taskQueue: 'x', address: `127.0.0.1:${port}` });
    const { app } = createApp({ ...withTemporal(stack.services, deadTemporal), logger: createLogger({ level: 'silent' }) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port: apiPort } = server.address() as { port: number };
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: { temporal: { ok: boolean }; database: { ok: boolean } } };
      expect(body.checks.temporal.ok).toBe(false);
      expect(body.checks.database.ok).toBe(true);
    } finally {
      server.close();
      await deadTemporal.connection.close().catch(() => undefined);
      await stack.close();
    }
  });
});
