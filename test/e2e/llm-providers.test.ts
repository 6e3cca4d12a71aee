/**
 * LLM and embeddings providers chosen by capability, on a real stack (Temporal dev
 * server, API, worker, SQLite): the llm step on a Cohere connection (a local fake
 * speaking Cohere's v2 wire format); the API lists each connector's capabilities, those of
 * a connector package loaded through SWITCHBOARD_CONNECTOR_PACKAGES included (its llm step
 * end to end: test/e2e/ai-providers-package.test.ts), and refuses steps and indexes whose
 * connection lacks one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCohere, type FakeCohere } from '../support/fakes/cohere.ts';
import { createAutomation, startRun, waitForRun, type RunBody } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

type Usage = { inputTokens: number; outputTokens: number };
type RunWithUsage = RunBody & { usage: Usage; error?: { code: string; message: string } };

describe('LLM providers by capability (e2e)', () => {
  let stack: TestStack;
  let cohere: FakeCohere;
  let cohereConn: string;
  let acmeConn: string;

  const connection = async (json: unknown) => {
    const res = await stack.api('/api/v1/connections', { method: 'POST', json });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const finished = (workflowId: string) => waitForRun(stack, workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the run to finish') as Promise<RunWithUsage>;

  beforeAll(async () => {
    cohere = await startFakeCohere({ apiKey: 'co-e2e-key-123' });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1', SWITCHBOARD_CONNECTOR_PACKAGES: './test/fixtures/acme-ai-providers' } });
    cohereConn = await connection({ connector: 'cohere', name: 'cohere', config: { baseUrl: cohere.url, model: 'command-a-03-2025' }, secrets: { apiKey: 'co-e2e-key-123' } });
    acmeConn = await connection({ connector: 'acme-llm', name: 'acme', config: { prefix: 'heard: ' } });
  });
  afterAll(async () => {
    await stack?.close();
    await cohere?.close();
  });

  it('GET /api/v1/connectors lists each connector\'s capabilities, the package\'s included', async () => {
    const res = await stack.api('/api/v1/connectors');
    const { items } = (await res.json()) as { items: { key: string; capabilities: string[]; configSchema: { properties: Record<string, unknown> } }[] };
    const caps = Object.fromEntries(items.map((c) => [c.key, c.capabilities]));
    expect(caps).toMatchObject({ openai: ['embeddings', 'llm'], anthropic: ['llm'], cohere: ['embeddings', 'llm'], 'acme-llm': ['llm'], 'acme-vectors': ['vectorStore'], slack: [] });
    // Each LLM connector has its own config: anthropic has no OpenAI organization.
    const anthropic = items.find((c) => c.key === 'anthropic')!;
    expect(Object.keys(anthropic.configSchema.properties)).not.toContain('organization');
    expect(Object.keys(anthropic.configSchema.properties)).toContain('apiVersion');
  });

  it('an llm step on a Cohere connection: v2 request, structured output, 429 Retry-After, usage in the run', async () => {
    const output = { type: 'object', properties: { severity: { enum: ['low', 'high'] } }, required: ['severity'] };
    cohere.script.push(
      { status: 429, headers: { 'retry-after': '1' }, message: 'You are using a Trial key, which is limited to 10 API calls / minute.' },
      { text: JSON.stringify({ severity: 'high' }), tokens: { input_tokens: 42, output_tokens: 7 }, billedUnits: { input_tokens: 40, output_tokens: 7 } },
    );
    const before = cohere.requests.length;
    const { id } = await createAutomation(stack, {
      name: 'cohere triage',
      trigger: { type: 'manual' },
      steps: [{ id: 'triage', type: 'llm', connection: cohereConn, system: 'Classify.', prompt: 'Disk {{ input.disk }} full', output, maxTokens: 50 }],
    });
    const { body } = await startRun(stack, id, { disk: 'sda1' });
    const run = await finished(body.workflowId);
    expect(run.status, JSON.stringify(run.error ?? run.steps)).toBe('completed');
    expect(run.steps[0]).toMatchObject({ id: 'triage', status: 'completed', attempts: 2, output: { object: { severity: 'high' }, finishReason: 'stop', model: 'command-a-03-2025' } });
    expect(run.usage).toEqual({ inputTokens: 42, outputTokens: 7 });
    const calls = cohere.requests.slice(before);
    expect(calls.map((c) => c.path)).toEqual(['/v2/chat', '/v2/chat']);
    expect(calls[1]!.headers.authorization).toBe('Bearer co-e2e-key-123');
    expect(calls[1]!.body).toEqual({
      model: 'command-a-03-2025',
      messages: [
        { role: 'system', content: 'Classify.' },
        { role: 'user', content: 'Disk sda1 full' },
      ],
      stream: false,
      max_tokens: 50,
      response_format: { type: 'json_object', json_schema: output },
    });
  });

  it('a Cohere 401 fails the step once with AUTH_FAILED, without the key', async () => {
    const bad = await connection({ connector: 'cohere', name: 'cohere bad', config: { baseUrl: cohere.url }, secrets: { apiKey: 'co-wrong-key-999' } });
    const { id } = await createAutomation(stack, { name: 'cohere bad key', trigger: { type: 'manual' }, steps: [{ id: 'ask', type: 'llm', connection: bad, prompt: 'hi' }] });
    const { body } = await startRun(stack, id, {});
    const run = await finished(body.workflowId);
    expect(run.status).toBe('failed');
    expect(run.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.error?.code).toBe('AUTH_FAILED');
    expect(JSON.stringify(run)).not.toContain('co-wrong-key-999');
  });

  it('refuses an llm step or a RAG index whose connection lacks the capability, naming the connectors that have it', async () => {
    const slack = await connection({ connector: 'slack', name: 'ops', config: {}, secrets: { botToken: 'xoxb-test' } });
    const res = await stack.api('/api/v1/automations', { method: 'POST', json: { name: 'wrong', trigger: { type: 'manual' }, steps: [{ id: 'ask', type: 'llm', connection: slack, prompt: 'hi' }] } });
    expect(res.status, await res.clone().text()).toBe(400);
    expect(await res.text()).toMatch(/steps\[0\]\.connection.*does not provide llm \(connectors that do: acme-llm, anthropic, cohere, openai\)/);

    const acmeIndex = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'acme-index', embedding: { connection: acmeConn, model: 'm', dimensions: 8 } } });
    expect(acmeIndex.status).toBe(400);
    expect(await acmeIndex.text()).toMatch(/provides embeddings \(cohere, openai\)/);
    const cohereIndex = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'cohere-index', embedding: { connection: cohereConn, model: 'embed-v4.0', dimensions: 512 } } });
    expect(cohereIndex.status).toBe(201);
  });
});
