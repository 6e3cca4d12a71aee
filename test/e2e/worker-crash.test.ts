/**
 * SIGKILL of the worker in the middle of a run, then a restart: the run completes,
 * no completed step runs again, and a fake that honours idempotency keys records
 * each side effect exactly once. The step in flight has a 10-minute timeout: its repeat
 * arrives within the recovery bound (heartbeats, docs/operations/recovery.md), not after 10 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { DIALECTS } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

describe.each(DIALECTS)('worker SIGKILL mid-run on %s', (dialect) => {
  let stack: TestStack;
  let fake: FakeServer;
  const effects = new Map<string, { response: unknown; path: string }>();
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Provider fake: records a side effect per Idempotency-Key; a repeated key gets the first response.
    // `/slow` never answers its first request, so the worker dies while the step is in flight.
    fake = await fakeServer((req, res) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const known = effects.get(key);
      if (known) return sendJson(res, 200, known.response);
      const response = { effect: effects.size + 1, path: req.url };
      effects.set(key, { response, path: req.url ?? '' });
      if (req.url === '/slow') return; // hang: the response never reaches the worker
      sendJson(res, 200, response);
    });
    stack = await startTestStack({ dialect, worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await stack?.close();
    await fake?.close();
  });

  it('completes after a restart with every side effect recorded once', { timeout: 180_000 }, async () => {
    const http = await createTestConnection(stack.services, 'http', {}, {});
    const call = (id: string, path: string, extra: object = {}) => ({
      id,
      type: 'action',
      connection: http,
      action: 'request',
      input: { method: 'POST', url: `${fake.url}${path}`, headers: { 'idempotency-key': `{{ run.workflowId }}/${id}` }, body: { step: id } },
      ...extra,
    });
    const { id } = await createAutomation(stack, {
      name: 'crash',
      trigger: { type: 'manual' },
      steps: [call('one', '/effects'), call('two', '/slow', { timeout: '10m', retry: { initialInterval: '500ms', maxAttempts: 5 } }), call('three', '/effects')],
    });

    const first = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    workers.push(first);
    await first.ready;
    const { body } = await startRun(stack, id, {});
    await waitFor(async () => fake.requests.some((r) => r.url === '/slow'), 'step two to reach the provider').catch(async (err: Error) => {
      const state = await stack.api(`/api/v1/runs/${encodeURIComponent(body.workflowId)}`).then((r) => r.text());
      throw new Error(`${err.message}\nrun: ${state}\nworker: ${first.output().slice(-3000)}`);
    });
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    workers.push(second);
    await second.ready;
    const done = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete', 60_000);

    const byStep = (step: string) => fake.requests.filter((r) => (JSON.parse(r.body) as { step: string }).step === step);
    // The repeat of the call in flight: within 60 s of the kill (the bound is 30 s), with the same Idempotency-Key.
    const [inFlight, repeat] = byStep('two');
    expect(repeat!.at - killedAt).toBeLessThan(60_000);
    expect(repeat!.headers['idempotency-key']).toBe(inFlight!.headers['idempotency-key']);
    console.log(`in-flight action repeated ${repeat!.at - killedAt} ms after the worker was killed`);
    expect(byStep('one')).toHaveLength(1); // completed before the kill: not run again
    expect(byStep('two').length).toBeGreaterThanOrEqual(2); // retried after the kill…
    expect(byStep('three')).toHaveLength(1);
    expect([...effects.keys()].sort()).toEqual([`${body.workflowId}/one`, `${body.workflowId}/three`, `${body.workflowId}/two`]); // …but one effect each
    expect(done.steps.map((s) => [s.id, s.status])).toEqual([
      ['one', 'completed'],
      ['two', 'completed'],
      ['three', 'completed'],
    ]);
    expect(done.steps.find((s) => s.id === 'two')!.attempts).toBeGreaterThanOrEqual(2);
    expect(done.steps.find((s) => s.id === 'one')!.attempts).toBe(1);
  });
});

// A live worker's call that outlasts the heartbeat timeout (15 s) is not retried: the activity heartbeats while it
// waits. Heartbeats do not depend on the database, so this runs on the default dialect only, with its own stack.
describe('a live worker keeps a slow provider call alive', () => {
  let stack: TestStack;
  let fake: FakeServer;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    // `/patient` answers after 20 s: longer than the heartbeat timeout of provider calls.
    fake = await fakeServer((req, res) => {
      if (req.url === '/patient') return void setTimeout(() => sendJson(res, 200, { ok: true }), 20_000);
      sendJson(res, 404, { error: 'unknown path' });
    });
    stack = await startTestStack({ worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await stack?.close();
    await fake?.close();
  });

  it('past the heartbeat timeout, with one attempt', { timeout: 180_000 }, async () => {
    const http = await createTestConnection(stack.services, 'http', {}, {});
    const { id } = await createAutomation(stack, {
      name: 'patient',
      trigger: { type: 'manual' },
      steps: [{ id: 'wait', type: 'action', connection: http, action: 'request', input: { method: 'POST', url: `${fake.url}/patient`, body: { step: 'wait' } } }],
    });
    worker = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    await worker.ready;
    const { body } = await startRun(stack, id, {});
    const done = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the patient run to complete', 60_000);
    expect(done.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([['wait', 'completed', 1]]);
    expect(fake.requests.filter((r) => r.url === '/patient')).toHaveLength(1);
  });
});
