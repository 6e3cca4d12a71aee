/**
 * Scale-out, proven: one Temporal dev server, PostgreSQL, Redis, two `switchboard api` and
 * three `switchboard worker` processes of the compiled build. Signed GitHub deliveries
 * (with redeliveries and concurrent copies) are spread over both APIs while one API and one
 * worker are SIGKILLed and restarted; a sender retries on the other API when one refuses,
 * as GitHub would. Then: every delivery acknowledged, one run and one side effect per
 * delivery, repeats with the same Idempotency-Key, runs on every worker; a connection
 * update through API 1 is used through API 2 within 5 s; a key revoked through API 1 is
 * refused by API 2 within 5 s; a webhook connection's inbound rate limit, counted in Redis,
 * holds across both APIs.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, WorkflowClient } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { ensureBuild } from '../support/build.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { freePort } from '../support/ports.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';
import { TEST_REDIS } from '../support/provision.ts';
import { switchboardProcess, type SwitchboardProcess } from './processes.ts';

/** Deliveries per run: ~1 min on 2 cores with the kills (the issue's 3,000 take ~10: SCALE_DELIVERIES=3000). */
const DELIVERIES = Number(process.env['SCALE_DELIVERIES'] ?? 300);
const CONCURRENCY = 16;
const ADMIN_KEY = 'sb_scale_out_admin_key_0123456789abcdef';
const SECRET = 'scale-out-webhook-secret';

describe('scale-out: 2 APIs and 3 workers as separate processes', () => {
  let db: TestDatabase;
  let dataDir = '';
  let fake: FakeServer;
  /** Effect calls the provider holds unanswered right now. */
  let effectsInFlight = 0;
  let apis: SwitchboardProcess[] = [];
  let workers: SwitchboardProcess[] = [];
  let bases: string[] = [];
  let taskQueue = '';
  const timings: Record<string, number> = {};

  const api = async (i: number, path: string, init: { method?: string; json?: unknown; key?: string } = {}) =>
    fetch(`${bases[i]}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.key ?? ADMIN_KEY}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });

  beforeAll(async () => {
    let t = Date.now();
    ensureBuild();
    timings['build'] = Date.now() - t;
    db = await createTestDatabase('postgresql');
    dataDir = mkdtempSync(join(tmpdir(), 'sb-scale-'));
    // The provider: answers effects after three seconds (so calls are in flight when a worker dies).
    fake = await fakeServer((req, res) => {
      if (req.url !== '/effects') return sendJson(res, 200, { ok: true, path: req.url });
      effectsInFlight++;
      setTimeout(() => {
        effectsInFlight--;
        sendJson(res, 200, { ok: true, path: req.url });
      }, 3_000);
    });
    taskQueue = `scale-${Date.now()}`;
    const env = {
      PATH: process.env['PATH']!,
      DATABASE_URL: db.database.kind === 'postgresql' ? db.database.url : '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_API_KEY: ADMIN_KEY,
      SWITCHBOARD_REDIS_URL: `redis://${TEST_REDIS.host}:${TEST_REDIS.port}`,
      SWITCHBOARD_SSRF_ALLOW: '127.0.0.1',
      SWITCHBOARD_DATA_DIR: dataDir,
    };
    const m = spawnSync(process.execPath, ['bin/switchboard.mjs', 'migrate'], { env: { ...env, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 60_000 });
    if (m.status !== 0) throw new Error(`migrate failed: ${m.stdout}${m.stderr}`);
    const ports = [await freePort(), await freePort()];
    bases = ports.map((p) => `http://127.0.0.1:${p}`);
    apis = ports.map((p) => switchboardProcess('api', env, p));
    workers = [0, 1, 2].map(() => switchboardProcess('worker', env));
    t = Date.now();
    await Promise.all([...apis, ...workers].map((p) => p.start()));
    timings['start 5 processes'] = Date.now() - t;
  }, 420_000);

  afterAll(async () => {
    for (const p of [...apis, ...workers]) await p.kill('SIGKILL');
    await fake?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    console.log(`scale-out timings (ms): ${JSON.stringify(timings)}`);
  });

  it('acknowledges every delivery through kills of an API and a worker; one run and one effect each, on every worker', { timeout: 240_000 }, async () => {
    const created = async (res: Response) => {
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const github = await created(await api(0, '/api/v1/connections', { method: 'POST', json: { connector: 'github', name: 'gh', config: {}, secrets: { webhookSecret: SECRET } } }));
    const http = await created(await api(0, '/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'provider', config: { baseUrl: fake.url }, secrets: {} } }));
    const automationId = await created(
      await api(0, '/api/v1/automations', {
        method: 'POST',
        json: {
          name: 'fan out',
          trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
          steps: [{ id: 'send', type: 'action', connection: http, action: 'request', input: { method: 'POST', url: '/effects', body: { seq: '{{ trigger.payload.seq }}' } } }],
        },
      }),
    );

    // A sender: signs once, posts to API `i`, and on a refused connection or a 5xx retries on the other API.
    let acknowledged = 0;
    const send = async (seq: number, delivery: string, first: number) => {
      const body = JSON.stringify({ action: 'opened', seq, issue: { number: seq, title: `issue ${seq}`, labels: [] }, repository: { name: 'r', owner: { login: 'o' } } });
      const headers = { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': delivery, 'x-hub-signature-256': signGithubPayload(body, SECRET) };
      for (let attempt = 0; attempt < 60; attempt++) {
        const status = await fetch(`${bases[(first + attempt) % 2]}/webhooks/github/${github}`, { method: 'POST', body, headers }).then((r) => r.status, () => 0);
        if (status === 202 || status === 200) return;
        if (status >= 400 && status < 500) throw new Error(`delivery ${seq} refused with ${status}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`delivery ${seq} never acknowledged`);
    };
    const deliveries = Array.from({ length: DELIVERIES }, (_, seq) => ({ seq, id: randomUUID() }));
    const t = Date.now();
    let next = 0;
    let killed: Promise<void> | undefined;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++]!;
          // A third of the way in: SIGKILL API 2 and worker 1, restart both two seconds later. The
          // kill waits until the provider holds 30 calls (of the three workers) unanswered, so the
          // killed worker dies with calls in flight (none of 30 being its own: (2/3)^30 ≈ 5e-6).
          if (d.seq === Math.floor(DELIVERIES / 3)) {
            killed = (async () => {
              const waitUntil = Date.now() + 60_000;
              while (effectsInFlight < 30 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
              timings['calls in flight at the kill'] = effectsInFlight;
              await Promise.all([apis[1]!.kill('SIGKILL'), workers[0]!.kill('SIGKILL')]);
              timings['killed at'] = Date.now() - t;
              await new Promise((r) => setTimeout(r, 2_000));
              await Promise.all([apis[1]!.start(), workers[0]!.start()]);
            })();
          }
          const copies = d.seq % 10 === 0 ? 2 : 1; // every tenth: two concurrent copies, one to each API
          await Promise.all(Array.from({ length: copies }, (_, c) => send(d.seq, d.id, d.seq + c)));
          if (d.seq % 7 === 0) await send(d.seq, d.id, d.seq + 1); // a redelivery, later, same id
          acknowledged++;
        }
      }),
    );
    timings['deliveries acknowledged'] = Date.now() - t;
    await killed;
    expect(acknowledged).toBe(DELIVERIES);

    // Every delivery's run performs its one side effect.
    const effects = () => fake.requests.filter((r) => r.url === '/effects');
    const seqsSeen = () => new Set(effects().map((r) => (JSON.parse(r.body) as { seq: number }).seq));
    const deadline = Date.now() + 120_000;
    while (seqsSeen().size < DELIVERIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    timings['all effects'] = Date.now() - t;
    expect(seqsSeen().size).toBe(DELIVERIES);
    // The killed worker's calls are retried once their heartbeat timeout (15 s) has passed, which
    // can be after every delivery's first call arrived.
    const retried = Date.now() + 60_000;
    while (effects().length <= DELIVERIES && Date.now() < retried) await new Promise((r) => setTimeout(r, 500));
    const keysBySeq = new Map<number, Set<string>>();
    for (const r of effects()) {
      const seq = (JSON.parse(r.body) as { seq: number }).seq;
      keysBySeq.set(seq, (keysBySeq.get(seq) ?? new Set()).add(String(r.headers['idempotency-key'])));
    }
    // One run per delivery (redeliveries and copies found the same workflow): one key per delivery,
    // and a repeat of a call (after the worker kill) carries that same key.
    expect([...keysBySeq.values()].filter((keys) => keys.size !== 1)).toEqual([]);
    timings['repeated calls'] = effects().length - DELIVERIES;
    expect(effects().length, 'calls in flight on the killed worker were repeated').toBeGreaterThan(DELIVERIES);

    // Runs on every worker process: the identities that started their activities.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new WorkflowClient({ connection });
      const identities = new Set<string>();
      for (const d of deliveries.filter((x) => x.seq % 5 === 0)) {
        const history = await client.getHandle(runWorkflowId(automationId, eventWorkflowId('github', github, d.id))).fetchHistory();
        for (const e of history.events ?? []) if (e.activityTaskStartedEventAttributes?.identity) identities.add(e.activityTaskStartedEventAttributes.identity);
      }
      const pids = [...identities].map((id) => Number(id.split('@')[0]));
      // Workers 2 and 3 ran throughout; worker 1 ran before its kill, its successor after.
      for (const w of workers.slice(1)) expect(pids, `worker ${w.child.pid} ran activities`).toContain(w.child.pid);
      expect(identities.size, JSON.stringify([...identities])).toBeGreaterThanOrEqual(3);
    } finally {
      await connection.close();
    }
  });

  it('uses a connection updated through API 1 in actions through API 2 within 5 s', { timeout: 60_000 }, async () => {
    const res = await api(0, '/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'versioned', config: { baseUrl: fake.url, defaultHeaders: { 'x-config': 'v1' } }, secrets: {} } });
    const id = ((await res.json()) as { id: string }).id;
    const probe = async () => {
      const r = await api(1, `/api/v1/connections/${id}/actions/request`, { method: 'POST', json: { input: { method: 'GET', url: `/probe/${randomUUID()}` } } });
      expect(r.status, await r.clone().text()).toBe(200);
      return fake.requests.filter((q) => q.url.startsWith('/probe/')).at(-1)!.headers['x-config'];
    };
    expect(await probe()).toBe('v1'); // API 2 and a worker have now loaded (and cached) v1
    const patched = await api(0, `/api/v1/connections/${id}`, { method: 'PATCH', json: { config: { baseUrl: fake.url, defaultHeaders: { 'x-config': 'v2' } } } });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const t = Date.now();
    while ((await probe()) !== 'v2') {
      expect(Date.now() - t).toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    timings['connection update seen'] = Date.now() - t;
  });

  it('holds a webhook connection\'s inbound rate limit across both APIs (one count in Redis)', { timeout: 60_000 }, async () => {
    const res = await api(0, '/api/v1/connections', { method: 'POST', json: { connector: 'github', name: 'limited', config: { inboundRateLimit: { requests: 4, per: '1m' } }, secrets: { webhookSecret: SECRET } } });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const statuses: number[] = [];
    // Eight deliveries, alternating between the two APIs: the limit of 4 counts them all together.
    for (let i = 0; i < 8; i++) {
      const body = JSON.stringify({ action: 'opened', issue: { number: i }, repository: { name: 'r', owner: { login: 'o' } } });
      const headers = { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGithubPayload(body, SECRET) };
      statuses.push((await fetch(`${bases[i % 2]}/webhooks/github/${id}`, { method: 'POST', body, headers })).status);
    }
    // The first four (two through each API) are accepted; the next four (two through each) are refused.
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429, 429, 429]);
  });

  it('refuses on API 2 a key revoked through API 1 within 5 s', { timeout: 30_000 }, async () => {
    const res = await api(0, '/api/v1/api-keys', { method: 'POST', json: { name: 'temp', scopes: ['connections:read'] } });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id, key } = (await res.json()) as { id: string; key: string };
    expect((await api(1, '/api/v1/connections', { key })).status).toBe(200); // cached as valid on API 2
    expect((await api(0, `/api/v1/api-keys/${id}`, { method: 'DELETE' })).status).toBe(204);
    // Polled every 200 ms: the first request sent 5 s (plus one poll) after the revocation is refused.
    const t = Date.now();
    for (;;) {
      const sentAt = Date.now();
      if ((await api(1, '/api/v1/connections', { key })).status === 401) break;
      expect(sentAt - t).toBeLessThan(5_200);
      await new Promise((r) => setTimeout(r, 200));
    }
    timings['revocation seen'] = Date.now() - t;
  });
});
