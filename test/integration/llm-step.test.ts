/**
 * The llm step on a real Temporal server against a local OpenAI-compatible fake:
 * Retry-After honoured, 401 not retried, budgets, structured output, tool use with
 * connector actions and MCP tools each as their own activity.
 */
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { type ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/temporal/worker.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../support/fakes/mcp-server.ts';
import { startFakeCohere, type FakeCohere } from '../support/fakes/cohere.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const fixtures = fileURLToPath(new URL('../workflows/fixtures/ai-steps.workflow.ts', import.meta.url));
let n = 0;

describe('llm step', () => {
  let stack: TestStack;
  let worker: WorkerHandle;
  let fake: FakeOpenAi;
  let cohere: FakeCohere;
  let cohereConn: string;
  let mcp: FakeMcpServer;
  let conn: string;
  let badConn: string;
  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-good' });
    cohere = await startFakeCohere({ apiKey: 'co-good-key' });
    mcp = await startFakeMcpServer();
    stack = await startTestStack({ worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    worker = await startWorker({ ...stack.services, address: inject('temporalAddress') }, { workflowsPath: fixtures });
    const create = async (name: string, apiKey: string) => {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'openai', name, config: { baseUrl: fake.baseUrl, model: 'fake-1' }, secrets: { apiKey } } });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    conn = await create('local model', 'sk-good');
    badConn = await create('bad key', 'sk-bad');
    const co = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'cohere', name: 'cohere', config: { baseUrl: cohere.url, model: 'command-r7b-12-2024' }, secrets: { apiKey: 'co-good-key' } } });
    expect(co.status).toBe(201);
    cohereConn = ((await co.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await worker?.shutdown();
    await stack?.close();
    await fake?.close();
    await cohere?.close();
    await mcp?.close();
  });

  const run = (type: string, input: unknown) =>
    stack.services.temporal.client.workflow.start(type, { taskQueue: stack.config.temporal.taskQueue, workflowId: `llm-test-${Date.now()}-${n++}`, args: [input] });
  const attempts = async (handle: { fetchHistory(): Promise<{ events?: { activityTaskStartedEventAttributes?: { attempt?: number | null } | null }[] | null }> }) =>
    (await handle.fetchHistory()).events!.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));

  it('returns structured output with usage, and honours 429 Retry-After: success on attempt 2', async () => {
    const chatsBefore = fake.requests.filter((r) => r.path === '/v1/chat/completions').length;
    fake.script.push({ status: 429, headers: { 'retry-after': '1' }, error: 'slow down' }, { content: JSON.stringify({ priority: 'high', summary: 'Disk full' }), usage: { prompt_tokens: 120, completion_tokens: 30 } });
    const output = { type: 'object', properties: { priority: { enum: ['low', 'high'] }, summary: { type: 'string' } }, required: ['priority', 'summary'] };
    const started = Date.now();
    const handle = await run('llmStepsWorkflow', { steps: [{ connection: conn, system: 'Triage.', prompt: 'Server says: disk full', output }] });
    const result = (await handle.result()) as { results: { object: unknown; text?: string; usage: unknown; model: string; finishReason: string }[]; usage: unknown };
    expect(result.results[0]).toMatchObject({ object: { priority: 'high', summary: 'Disk full' }, usage: { inputTokens: 120, outputTokens: 30 }, model: 'fake-1', finishReason: 'stop' });
    expect(result.results[0]!.text).toBeUndefined();
    expect(result.usage).toEqual({ inputTokens: 120, outputTokens: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // waited the Retry-After
    expect(await attempts(handle)).toEqual([2]);
    const chats = fake.requests.filter((r) => r.path === '/v1/chat/completions').slice(chatsBefore);
    expect(chats).toHaveLength(2);
    expect(chats[1]!.body).toMatchObject({ model: 'fake-1', response_format: { type: 'json_schema', json_schema: { schema: output } } });
    expect((chats[1]!.body as { messages: unknown[] }).messages[0]).toEqual({ role: 'system', content: 'Triage.' });
  });

  it('fails a 401 after one attempt with AUTH_FAILED', async () => {
    const before = fake.requests.length;
    const handle = await run('llmStepsWorkflow', { steps: [{ connection: badConn, prompt: 'hi' }] });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('AUTH_FAILED');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).not.toContain('sk-bad');
    expect(fake.requests.length - before).toBe(1);
    expect(await attempts(handle)).toEqual([1]);
  });

  it('stops the next call with BUDGET_EXCEEDED once reported usage crossed the budget, without calling the model', async () => {
    fake.script.push({ content: 'first', usage: { prompt_tokens: 400, completion_tokens: 200 } });
    const before = fake.requests.length;
    const handle = await run('llmStepsWorkflow', { budget: { maxTokens: 500 }, steps: [{ connection: conn, prompt: 'one' }, { connection: conn, prompt: 'two' }] });
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    expect((err.cause as ApplicationFailure).type).toBe('BUDGET_EXCEEDED');
    expect((err.cause as ApplicationFailure).message).toMatch(/500; 600 used/);
    expect(fake.requests.length - before).toBe(1);
  });

  it('runs tool calls (connector action and MCP tool) each as its own activity, with a cap on rounds', async () => {
    const reg = await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: 'calc', url: mcp.url, transport: 'streamable-http' } });
    const mcpId = ((await reg.json()) as { id: string }).id;
    expect((await stack.api(`/api/v1/mcp-servers/${mcpId}/sync`, { method: 'POST' })).status).toBe(200);
    const logConn = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'logging', name: 'log' } });
    expect(logConn.status).toBe(201);
    const logId = ((await logConn.json()) as { id: string }).id;
    const logAction = Object.keys(stack.services.connectors.get('logging')!.actions)[0]!;

    fake.script.push(
      { toolCalls: [{ id: 'call_1', name: 'mcp_calc_add', arguments: { a: 20, b: 22 } }] },
      { content: 'The sum is 42.', usage: { prompt_tokens: 50, completion_tokens: 5 } },
    );
    const before = fake.requests.length;
    const handle = await run('llmStepsWorkflow', {
      steps: [{ connection: conn, prompt: 'add 20 and 22', tools: [{ mcpServer: 'calc', tool: 'add' }, { connection: logId, action: logAction }] }],
    });
    const result = (await handle.result()) as { results: { text: string; toolCalls: unknown[]; rounds: number }[] };
    expect(result.results[0]).toMatchObject({ text: 'The sum is 42.', toolCalls: [{ name: 'mcp_calc_add', ok: true }], rounds: 2 });
    const chats = fake.requests.slice(before);
    const offered = (chats[0]!.body as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name);
    expect(offered).toEqual(['mcp_calc_add', `logging_${logAction}`.replace(/[^A-Za-z0-9_-]/g, '_')]);
    const toolMsg = (chats[1]!.body as { messages: { role: string; content: string; tool_call_id?: string }[] }).messages.find((m) => m.role === 'tool')!;
    expect(toolMsg.tool_call_id).toBe('call_1');
    expect(toolMsg.content).toContain('"sum":42');
    const history = await handle.fetchHistory();
    const scheduled = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name] : []));
    expect(scheduled).toEqual(['llmCall', 'mcpCallTool', 'llmCall']);

    // A model that keeps calling tools is cut off after maxToolRounds: the last call offers no tools.
    fake.script.push({ toolCalls: [{ id: 'c1', name: 'mcp_calc_add', arguments: { a: 1, b: 1 } }] }, { content: 'done' });
    const capped = await run('llmStepsWorkflow', { steps: [{ connection: conn, prompt: 'loop', maxToolRounds: 1, tools: [{ mcpServer: 'calc', tool: 'add' }] }] });
    const out = (await capped.result()) as { results: { text: string; rounds: number }[] };
    expect(out.results[0]).toMatchObject({ text: 'done', rounds: 2 });
    expect((fake.requests.at(-1)!.body as { tools?: unknown }).tools).toBeUndefined();
  });

  it('runs on a Cohere connection: v2 tool calls round-trip as their own activities, usage from usage.tokens', async () => {
    await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: 'calc2', url: mcp.url, transport: 'streamable-http' } }).then(async (r) => {
      const id = ((await r.json()) as { id: string }).id;
      expect((await stack.api(`/api/v1/mcp-servers/${id}/sync`, { method: 'POST' })).status).toBe(200);
    });
    cohere.script.push(
      { toolCalls: [{ id: 'add_x1', name: 'mcp_calc2_add', arguments: { a: 2, b: 3 } }], toolPlan: 'I will add the numbers.', tokens: { input_tokens: 30, output_tokens: 10 } },
      { text: 'It is 5.', tokens: { input_tokens: 60, output_tokens: 4 }, billedUnits: { input_tokens: 12, output_tokens: 4 } },
    );
    const before = cohere.requests.length;
    const handle = await run('llmStepsWorkflow', { steps: [{ connection: cohereConn, prompt: 'add 2 and 3', tools: [{ mcpServer: 'calc2', tool: 'add' }] }] });
    const result = (await handle.result()) as { results: { text: string; model: string; finishReason: string; toolCalls: unknown[]; rounds: number }[]; usage: unknown };
    expect(result.results[0]).toMatchObject({ text: 'It is 5.', model: 'command-r7b-12-2024', finishReason: 'stop', toolCalls: [{ name: 'mcp_calc2_add', ok: true }], rounds: 2 });
    expect(result.usage).toEqual({ inputTokens: 90, outputTokens: 14 });
    const [first, second] = cohere.requests.slice(before).map((r) => r.body as { tools?: { type: string; function: { name: string } }[]; messages: Record<string, unknown>[] });
    expect(first!.tools!.map((t) => [t.type, t.function.name])).toEqual([['function', 'mcp_calc2_add']]);
    expect(second!.messages.slice(-2)).toEqual([
      { role: 'assistant', tool_plan: 'I will add the numbers.', tool_calls: [{ id: 'add_x1', type: 'function', function: { name: 'mcp_calc2_add', arguments: '{"a":2,"b":3}' } }] },
      { role: 'tool', tool_call_id: 'add_x1', content: expect.stringContaining('"sum":5') },
    ]);
    const history = await handle.fetchHistory();
    const scheduled = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name] : []));
    expect(scheduled).toEqual(['llmCall', 'mcpCallTool', 'llmCall']);
  });
});
