/**
 * With Temporal unreachable, every endpoint that needs it answers
 * `503 TEMPORAL_UNAVAILABLE` with `Retry-After` within 5 s (a deadline on Temporal
 * calls plus one translation in the error middleware), and `/mcp` tools say so.
 * Saving configuration needs Temporal only when a schedule must change.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { withTemporal, type Services } from '../../src/services.ts';
import { withConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createTemporalClient } from '../../src/temporal/client.ts';
import { freePort } from '../support/ports.ts';
import { createAutomation } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

describe('API while Temporal is unreachable', () => {
  let stack: TestStack;
  let services: Services;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    // Nothing listens on this port: a Temporal that is down.
    const dead = createTemporalClient({ namespace: 'default', taskQueue: stack.config.temporal.taskQueue, address: `127.0.0.1:${await freePort()}` });
    services = { ...withTemporal(stack.services, dead), logger: createLogger({ level: 'silent' }) };
    const { app } = createApp(services);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await services?.temporal.connection.close();
    await stack?.close();
  });

  it('answers 503 TEMPORAL_UNAVAILABLE with Retry-After within 5 s on every Temporal-backed route', async () => {
    // Saved while Temporal was up (the healthy stack shares the database).
    const { id: automationId } = await createAutomation(stack, { name: 'down', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1 }] });
    const connectionId = await createTestConnection(stack.services, 'http', {}, { baseUrl: 'http://127.0.0.1:9' });
    const run = encodeURIComponent(`run:${automationId}:k1`);
    const calls: [string, string, unknown?][] = [
      ['POST', `/api/v1/automations/${automationId}/runs`, { input: {} }],
      ['GET', '/api/v1/runs'],
      ['GET', `/api/v1/runs/${run}`],
      ['POST', `/api/v1/runs/${run}/cancel`],
      ['POST', `/api/v1/runs/${run}/approvals/approve`, { decision: 'approve', approver: 'ann' }],
      ['GET', '/api/v1/approvals'],
      ['POST', `/api/v1/connections/${connectionId}/actions/request`, { input: { url: '/x' } }],
      ['POST', '/api/v1/system/self-check'],
      ['POST', '/api/v1/automations', { name: 'scheduled while down', trigger: { type: 'schedule', cron: '0 * * * *' }, steps: [{ id: 'a', type: 'transform', output: 1 }] }],
    ];
    const answers = await Promise.all(
      calls.map(async ([method, path, json]) => {
        const started = Date.now();
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
        });
        return { call: `${method} ${path}`, status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } }, ms: Date.now() - started };
      }),
    );
    for (const a of answers) {
      expect(a, a.call).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'TEMPORAL_UNAVAILABLE' } } });
      expect(a.ms, a.call).toBeLessThan(5_000);
    }
  });

  const call = (method: string, path: string, json?: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  const steps = [{ id: 'a', type: 'transform', output: 1 }];

  it('saves, updates and deletes a manual automation (no schedule before or after) with 201/200/204', async () => {
    const created = await call('POST', '/api/v1/automations', { name: 'manual while down', trigger: { type: 'manual' }, steps });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const again = await call('PUT', `/api/v1/automations/${id}`, { name: 'manual while down', description: 'v2', trigger: { type: 'manual' }, steps });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { version: number }).version).toBe(2);
    expect((await call('DELETE', `/api/v1/automations/${id}`)).status).toBe(204);
  });

  it('refuses with 503 (and saves nothing) a save that must create, change or remove a schedule', async () => {
    const before = (await (await call('GET', '/api/v1/automations')).json()) as { items: { name: string }[] };
    expect(before.items.map((a) => a.name)).not.toContain('scheduled while down');
    // Scheduled while Temporal was up (the healthy stack shares the database): its schedule exists.
    const { id } = await createAutomation(stack, { name: 'scheduled', trigger: { type: 'schedule', cron: '0 * * * *' }, steps });
    for (const [method, body] of [
      ['PUT', { name: 'scheduled', trigger: { type: 'manual' }, steps }],
      ['PUT', { name: 'scheduled', trigger: { type: 'schedule', cron: '5 * * * *' }, steps }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, `/api/v1/automations/${id}`, body);
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    }
    const still = (await (await call('GET', `/api/v1/automations/${id}`)).json()) as { version: number; trigger: { cron: string } };
    expect(still).toMatchObject({ version: 1, trigger: { cron: '0 * * * *' } });
    await stack.api(`/api/v1/automations/${id}`, { method: 'DELETE' });
  });

  it('/codec, which needs no Temporal, still answers at once', async () => {
    const { app } = createApp({ ...services, config: withConfig(services.config, { payloadEncryption: true }) });
    const codecServer = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(codecServer.address() as AddressInfo).port}/codec`;
      const post = (op: string, body: unknown) =>
        fetch(`${url}/${op}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const started = Date.now();
      const plain = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"a":1}').toString('base64') }] };
      const encoded = await post('encode', plain);
      expect(encoded.status).toBe(200);
      const decoded = await post('decode', await encoded.json());
      expect(decoded.status).toBe(200);
      expect(await decoded.json()).toEqual(plain);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      codecServer.closeAllConnections();
      await new Promise((r) => codecServer.close(r));
    }
  });

  it('/mcp tools answer a TEMPORAL_UNAVAILABLE tool error within 5 s', async () => {
    const client = new McpClient({ name: 'test-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TEST_API_KEY}` } } }));
    try {
      for (const [name, args] of [
        ['get_run', { workflowId: 'run:auto_x:k' }],
        ['decide_approval', { workflowId: 'run:auto_x:k', stepId: 'approve', decision: 'approve', approver: 'ann' }],
      ] as const) {
        const started = Date.now();
        const res = await client.callTool({ name, arguments: args });
        expect(Date.now() - started, name).toBeLessThan(5_000);
        expect(res.isError, name).toBe(true);
        expect((res.content as { text: string }[])[0]!.text, name).toMatch(/^TEMPORAL_UNAVAILABLE: .*retry after 5 s/);
      }
    } finally {
      await client.close();
    }
  });
});
