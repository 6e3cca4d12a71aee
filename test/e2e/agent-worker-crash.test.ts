/**
 * SIGKILL of the worker in the middle of an agent step: after the second of four model
 * calls, while the tool call it asked for is in flight. After a restart the run
 * completes and the model fake has seen exactly four calls: the two completed ones came
 * from history, only the tool call in flight was repeated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

describe('worker SIGKILL mid-agent', () => {
  let stack: TestStack;
  let model: FakeOpenAi;
  let site: FakeServer;
  let slowSeen = 0;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    model = await startFakeOpenAi({ apiKey: 'sk-good' });
    // The first request to /slow never answers: the worker dies while that tool call is in flight.
    site = await fakeServer((req, res) => {
      if (req.url === '/slow' && slowSeen++ === 0) return;
      sendJson(res, 200, { path: req.url });
    });
    stack = await startTestStack({ worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await stack?.close();
    await model?.close();
    await site?.close();
  });

  it('resumes without repeating a completed model call', { timeout: 120_000 }, async () => {
    const conn = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'openai', name: 'model', config: { baseUrl: model.baseUrl, model: 'fake-1' }, secrets: { apiKey: 'sk-good' } } });
    expect(conn.status).toBe(201);
    const http = await createTestConnection(stack.services, 'http', {}, {});
    const { id } = await createAutomation(stack, {
      name: 'crash agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'a', type: 'agent', connection: 'model', prompt: 'visit three pages', tools: [{ connection: http, action: 'request' }], retry: { initialInterval: '500ms', maxAttempts: 5 } }],
    });
    const visit = (id: string, path: string) => ({ toolCalls: [{ id, name: 'http_request', arguments: { method: 'GET', url: `${site.url}${path}` } }] });
    model.script.push(visit('c1', '/one'), visit('c2', '/slow'), visit('c3', '/three'), { content: 'visited all three' });

    const first = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    workers.push(first);
    await first.ready;
    const { body } = await startRun(stack, id, {});
    await waitFor(async () => site.requests.some((r) => r.url === '/slow'), 'the second tool call to reach the site');
    const chats = () => model.requests.filter((r) => r.path === '/v1/chat/completions').length;
    expect(chats()).toBe(2);
    await first.kill('SIGKILL');

    const second = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    workers.push(second);
    await second.ready;
    const done = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the agent run to complete', 90_000);
    expect(chats()).toBe(4);
    expect(done.steps[0]!.output).toMatchObject({ text: 'visited all three', rounds: 4, toolCalls: [{ name: 'http_request', ok: true }, { name: 'http_request', ok: true }, { name: 'http_request', ok: true }] });
    expect(site.requests.filter((r) => r.url === '/one')).toHaveLength(1);
    expect(site.requests.filter((r) => r.url === '/slow').length).toBeGreaterThanOrEqual(2);
    expect(site.requests.filter((r) => r.url === '/three')).toHaveLength(1);
  });
});
