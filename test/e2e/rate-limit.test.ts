/**
 * Outbound rate limits across workers (issue 12): a connection with
 * `rateLimit: { requests: 5, per: '1s' }`, two workers polling its queue, 200 actions at
 * once; the provider fake sees at most 5.5 requests/s over every 4 s window and every
 * action succeeds. Temporal's task-queue rate limit does the holding back, not a counter
 * in one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitedQueue } from '../../src/temporal/constants.ts';
import { NativeConnection } from '@temporalio/worker';
import { createConnectorActionActivities } from '../../activities/connector-action.ts';
import { ConnectionRateLimits } from '../../src/connections/rate-limits.ts';
import { RateLimitedWorkers } from '../../src/temporal/rate-limited-workers.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, startRun, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ACTIONS = 200;
const WINDOW_MS = 4_000;
const CALLERS = 25;

/** Most requests seen in any window of `windowMs` (every window that starts at a request). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/**
 * One action as a well-behaved client sends it: with an Idempotency-Key, and again with the
 * same key after a 503 (Temporal slow to accept the start) or a dropped connection; a
 * repeat waits for the first run and never runs the action twice.
 */
async function callAction(stack: TestStack, connectionId: string, i: number): Promise<Response> {
  const init = { method: 'POST', headers: { 'idempotency-key': `rl-${i}` }, json: { input: { method: 'POST', url: `/items/${i}`, body: { i } } } };
  for (let attempt = 1; ; attempt++) {
    const res = await stack.api(`/api/v1/connections/${connectionId}/actions/request`, init).catch((err: unknown) => {
      if (attempt >= 5) throw err;
      return undefined;
    });
    if (res && (res.status !== 503 || attempt >= 5)) return res;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

describe('outbound rate limits (e2e)', () => {
  let stack: TestStack;
  // A second worker process's pollers of the rate-limited queues (its own connection and
  // list of limits; no workflow code, which would only cost another bundle on a busy box).
  let second: RateLimitedWorkers;
  let secondConnection: NativeConnection;
  let provider: FakeServer;
  const seen: number[] = [];

  beforeAll(async () => {
    provider = await fakeServer((_req, res) => {
      seen.push(Date.now());
      sendJson(res, 200, { ok: true });
    });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    const { orm, connectors, config, logger, keyring, outbound } = stack.services;
    secondConnection = await NativeConnection.connect({ address: config.temporal.address! });
    second = new RateLimitedWorkers({
      connection: secondConnection,
      namespace: config.temporal.namespace,
      activities: { runConnectorAction: createConnectorActionActivities({ orm, connectors, config, logger, keyring, outbound }).runConnectorAction },
      limits: new ConnectionRateLimits(orm, connectors, config.temporal.taskQueue),
      logger,
    });
    await second.start();
  });
  afterAll(async () => {
    await second?.shutdown();
    await secondConnection?.close();
    await stack?.close();
    await provider?.close();
  });

  it('rejects a malformed rateLimit with 400 and keeps a valid one beside the connector config', async () => {
    for (const rateLimit of [{ requests: 0, per: '1s' }, { requests: 5, per: '1 fortnight' }, { requests: 1.5, per: 1 }, { requests: 5 }]) {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'bad', config: { rateLimit } } });
      expect(res.status, JSON.stringify(rateLimit)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    }
    const res = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'ok', config: { rateLimit: { requests: 10, per: '1m' } } } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; config: Record<string, unknown> };
    expect(body.config['rateLimit']).toEqual({ requests: 10, per: '1m' });
    const cleared = await stack.api(`/api/v1/connections/${body.id}`, { method: 'PATCH', json: { config: { rateLimit: null } } });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { config: Record<string, unknown> }).config).not.toHaveProperty('rateLimit');
  });

  it('two workers, 5 requests/s, 200 actions: ≤ 5.5/s over every 4 s window, all succeed', { timeout: 300_000 }, async () => {
    const created = await stack.api('/api/v1/connections', {
      method: 'POST',
      json: { connector: 'http', name: 'limited', config: { baseUrl: provider.url, rateLimit: { requests: 5, per: '1s' } } },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const queue = rateLimitedQueue(stack.config.temporal.taskQueue, id);
    // Both workers poll the connection's queue with its limit (they would within one refresh).
    await Promise.all([stack.worker!.rateLimited.refresh(), second.refresh()]);
    // The queue runs at 75 % of the limit: the headroom takes Temporal's token-bucket burst.
    expect(stack.worker!.rateLimited.polled().get(queue)).toBe(3.75);
    expect(second.polled().get(queue)).toBe(3.75);

    const started = Date.now();
    // CALLERS at a time, each waiting for its action: a backlog of that many tasks stays on
    // the queue, without 200 simultaneous starts on a shared 2-core box.
    const answers: Response[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (next < ACTIONS) {
          const i = next++;
          answers[i] = await callAction(stack, id, i);
        }
      }),
    );
    const elapsed = Date.now() - started;
    const statuses = answers.map((r) => r.status);
    const failed = answers.filter((r) => r.status !== 200);
    expect(failed.length, failed.length ? `${failed[0]!.status} ${await failed[0]!.text()}` : '').toBe(0);
    expect(statuses).toHaveLength(ACTIONS);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { output: { status: number }; workflowId: string }[];
    expect(bodies.every((b) => b.output.status === 200)).toBe(true);
    expect(seen).toHaveLength(ACTIONS);
    const peak = maxInWindow(seen, WINDOW_MS);
    expect(peak, `peak ${peak} requests in ${WINDOW_MS} ms`).toBeLessThanOrEqual(5.5 * (WINDOW_MS / 1000));
    // Held back, not just lucky: 200 requests at 5/s take most of 40 s.
    expect(elapsed).toBeGreaterThan(30_000);

    // The activity was scheduled on the connection's queue.
    const history = await stack.services.temporal.client.workflow.getHandle(bodies[0]!.workflowId).fetchHistory();
    const queues = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue?.name] : []));
    expect(queues).toEqual([queue]);
  });

  it("an automation run schedules the limited connection's actions on its queue, the others on the run's own", async () => {
    const limited = (await (
      await stack.api('/api/v1/connections', {
        method: 'POST',
        json: { connector: 'http', name: 'limited-2', config: { baseUrl: provider.url, rateLimit: { requests: 100, per: 1 } } },
      })
    ).json()) as { id: string };
    const free = (await (await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'free', config: { baseUrl: provider.url } } })).json()) as {
      id: string;
    };
    await stack.worker!.rateLimited.refresh();
    const automation = await createAutomation(stack, {
      name: 'two calls',
      trigger: { type: 'manual' },
      steps: [
        { id: 'limited', type: 'action', connection: limited.id, action: 'request', input: { url: '/a' } },
        { id: 'free', type: 'action', connection: free.id, action: 'request', input: { url: '/b' } },
      ],
    });
    let run = await startRun(stack, automation.id, {}, 'rl-run');
    if (run.status === 503) run = await startRun(stack, automation.id, {}, 'rl-run'); // a busy dev server; same key
    expect([200, 202]).toContain(run.status);
    await waitForRun(stack, run.body.workflowId, (r) => r.status === 'completed', 'run completed');
    const history = await stack.services.temporal.client.workflow.getHandle(run.body.workflowId).fetchHistory();
    const queues = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue?.name] : []));
    expect(queues).toEqual([rateLimitedQueue(stack.config.temporal.taskQueue, limited.id), stack.config.temporal.taskQueue]);
  });
});
