/**
 * PostgreSQL stops while the API runs: the API's PostgreSQL connection goes through a TCP
 * proxy that the test closes (open connections reset, new ones refused — what a stopped
 * server looks like from the client) and opens again. Routes that need the database answer
 * 503 with Retry-After (never 500), webhook intake keeps accepting deliveries whose
 * connection and routes are cached, and everything answers again without a restart.
 */
import { randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createAutomation, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

/** A TCP proxy to `target` that can be stopped (sockets destroyed, port closed) and started again on the same port. */
class DatabaseProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    await new Promise((r) => server?.close(r));
  }
}

describe('PostgreSQL stopped under a running API', () => {
  let db: TestDatabase;
  let proxy: DatabaseProxy;
  let stack: TestStack;

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    if (db.database.kind !== 'postgresql') throw new Error('expected a PostgreSQL database');
    const real = new URL(db.database.url);
    proxy = new DatabaseProxy({ host: real.hostname, port: Number(real.port || 5432) });
    await proxy.start();
    const proxied = new URL(real);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    stack = await startTestStack({ database: { ...db, database: { kind: 'postgresql', url: proxied.toString() } } });
  });
  afterAll(async () => {
    await proxy?.start().catch(() => undefined);
    await stack?.close();
    await db?.drop();
  });

  it('answers 503 with Retry-After where the database is needed, accepts cached webhook deliveries, and recovers without a restart', { timeout: 120_000 }, async () => {
    const connection = await createTestConnection(stack.services, 'github', { webhookSecret: 's' });
    const { id: automationId } = await createAutomation(stack, {
      name: 'while the database is down',
      trigger: { type: 'webhook', connection, events: ['github.issues.opened'] },
      steps: [{ id: 'note', type: 'transform', output: { number: '{{ trigger.payload.issue.number }}' } }],
    });
    const send = (number: number) => {
      const body = JSON.stringify({ action: 'opened', issue: { number } });
      return deliver(stack.baseUrl, `/webhooks/github/${connection}`, body, {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signGithubPayload(body, 's'),
      });
    };
    // Up: the first delivery loads the connection and the routes into their caches.
    const first = await send(1);
    expect(first.status).toBe(202);
    expect((await stack.api('/readyz')).status).toBe(200);

    await proxy.stop();
    for (const [method, path, json] of [
      ['GET', '/api/v1/automations', undefined],
      ['GET', `/api/v1/automations/${automationId}`, undefined],
      ['GET', '/api/v1/connections', undefined],
      ['POST', '/api/v1/automations', { name: 'saved while down', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: {} }] }],
    ] as const) {
      const res = await stack.api(path, { method, ...(json ? { json } : {}) });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      expect(res.status, `${method} ${path}: ${JSON.stringify(body)}`).toBe(503);
      expect(res.headers.get('retry-after'), `${method} ${path}`).toMatch(/^\d+$/);
      expect(body.error?.code).toBe('DATABASE_UNAVAILABLE');
      expect(body.error?.message).not.toContain(db.database.kind === 'postgresql' ? new URL(db.database.url).pathname.slice(1) : '');
    }
    const ready = await stack.api('/readyz');
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { database: { ok: boolean } } }).checks.database.ok).toBe(false);
    // A delivery whose connection and routes are cached needs no database read: accepted.
    const during = await send(2);
    expect(during.status, during.text).toBe(202);

    await proxy.start();
    // Back: the same API answers again, without a restart.
    await waitFor(async () => (await stack.api('/api/v1/automations')).status === 200, 'the automations list to answer again', 30_000);
    expect((await stack.api('/readyz')).status).toBe(200);
    const saved = await stack.api('/api/v1/automations', { method: 'POST', json: { name: 'saved after', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: {} }] } });
    expect(saved.status).toBe(201);
    // The delivery accepted while the database was down ran like the one before it.
    let last = '';
    await waitFor(async () => {
      const res = await stack.api(`/api/v1/runs?automationId=${automationId}`);
      last = await res.text();
      return res.status === 200 && (JSON.parse(last) as { items: unknown[] }).items.length === 2;
    }, 'both deliveries to have started runs', 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${last}; first: ${first.text}; during: ${during.text}`);
    });
  });
});
