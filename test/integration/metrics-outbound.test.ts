/**
 * Metrics of the worker's outbound side on a real stack: an llm step against a local
 * OpenAI-compatible fake (first answer 429, then 200) adds the reported tokens to its
 * connection and counts both requests as allowed-private by status.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/temporal/worker.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { sample } from '../support/metrics.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const fixtures = fileURLToPath(new URL('../workflows/fixtures/ai-steps.workflow.ts', import.meta.url));

describe('metrics of LLM tokens and outbound requests', () => {
  let stack: TestStack;
  let worker: WorkerHandle;
  let fake: FakeOpenAi;
  let conn: string;
  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-good' });
    stack = await startTestStack({ worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    worker = await startWorker({ ...stack.services, address: inject('temporalAddress') }, { workflowsPath: fixtures });
    const res = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'openai', name: 'metered model', config: { baseUrl: fake.baseUrl, model: 'fake-1' }, secrets: { apiKey: 'sk-good' } } });
    expect(res.status).toBe(201);
    conn = ((await res.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await worker?.shutdown();
    await stack?.close();
    await fake?.close();
  });

  it('counts tokens by connection and outbound requests by host class and status', async () => {
    fake.script.push({ status: 429, headers: { 'retry-after': '1' }, error: 'slow down' }, { content: 'hello', usage: { prompt_tokens: 120, completion_tokens: 30 } });
    const handle = await stack.services.temporal.client.workflow.start('llmStepsWorkflow', {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `metrics-llm-${Date.now()}`,
      args: [{ steps: [{ connection: conn, prompt: 'Say hello' }] }],
    });
    await handle.result();

    const text = await (await stack.api('/metrics')).text();
    expect(sample(text, 'switchboard_llm_tokens_total', { connection: conn, kind: 'input' })).toBe(120);
    expect(sample(text, 'switchboard_llm_tokens_total', { connection: conn, kind: 'output' })).toBe(30);
    expect(sample(text, 'switchboard_outbound_requests_total', { host_class: 'allowed_private', status: '429' })).toBe(1);
    expect(sample(text, 'switchboard_outbound_requests_total', { host_class: 'allowed_private', status: '200' })).toBe(1);
    expect(sample(text, 'switchboard_outbound_requests_total', { host_class: 'public', status: '200' })).toBeUndefined();
  });
});
