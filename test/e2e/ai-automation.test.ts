/**
 * Acceptance of the AI steps inside automations, on a real stack (Temporal dev server,
 * API, worker, SQLite) against local fakes: an OpenAI-compatible model, the Slack Web
 * API and an MCP server built with the official SDK.
 * - Signed Standard Webhooks delivery → rag_retrieve → llm (structured output) → Slack,
 *   with chunk ids, scores and token usage in `GET /api/v1/runs/:id`.
 * - An mcp_tool step's result in the run output.
 * - An agent on `/mcp` (official SDK client) starts a run and reads its status.
 * - A 429 with Retry-After: the step succeeds on attempt 2. An agent decides an approval.
 * - A run budget below the model's reported usage stops the next llm step.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../support/fakes/mcp-server.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, startRun, waitFor, waitForRun, type RunBody } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';
import { deliver, nowSeconds } from '../support/webhooks.ts';

const WHSEC = `whsec_${Buffer.alloc(24, 5).toString('base64')}`;
const ANSWER_SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'string' }, sources: { type: 'array', items: { type: 'string' } } },
  required: ['answer', 'sources'],
  additionalProperties: false,
};

type Usage = { inputTokens: number; outputTokens: number };
type RunWithUsage = RunBody & { usage: Usage; error?: { code: string; message: string } };

describe('AI steps in automations (e2e)', () => {
  let stack: TestStack;
  let model: FakeOpenAi;
  let slackApi: FakeServer;
  let mcp: FakeMcpServer;
  let llm: string;
  let slack: string;
  let hook: string;

  const api = async <T,>(path: string, json?: unknown, expected = json === undefined ? 200 : 201): Promise<T> => {
    const res = await stack.api(path, json === undefined ? {} : { method: 'POST', json });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(expected);
    return (await res.json()) as T;
  };
  const connection = async (json: unknown) => (await api<{ id: string }>('/api/v1/connections', json)).id;

  beforeAll(async () => {
    model = await startFakeOpenAi({ apiKey: 'sk-good' });
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C123', ts: '1700000000.000100' }));
    mcp = await startFakeMcpServer();
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    llm = await connection({ connector: 'openai', name: 'model', config: { baseUrl: model.baseUrl, model: 'fake-1' }, secrets: { apiKey: 'sk-good' } });
    slack = await connection({ connector: 'slack', name: 'ops', config: { baseUrl: slackApi.url }, secrets: { botToken: 'xoxb-test' } });
    hook = await connection({ connector: 'webhook', name: 'incidents', config: {}, secrets: { signingSecret: WHSEC } });
  });
  afterAll(async () => {
    await stack?.close();
    await model?.close();
    await slackApi?.close();
    await mcp?.close();
  });

  it('webhook → rag_retrieve → llm (structured output) → Slack, with chunk ids and token usage in the run', async () => {
    const index = await api<{ id: string }>('/api/v1/rag/indexes', { name: 'runbooks' });
    const { ingestionId } = await api<{ ingestionId: string }>(
      `/api/v1/rag/indexes/${index.id}/documents`,
      {
        documents: [
          { id: 'disk', text: 'When the disk is full, rotate the logs with logrotate and page the storage team.' },
          { id: 'dns', text: 'DNS failures: flush the resolver cache and check the upstream forwarders.' },
          { id: 'cert', text: 'An expired TLS certificate is renewed with certbot renew on the edge hosts.' },
        ],
      },
      202,
    );
    await waitFor(async () => (await api<{ status: string }>(`/api/v1/rag/ingestions/${encodeURIComponent(ingestionId)}`)).status === 'COMPLETED', 'the ingestion');

    const { id: automationId } = await createAutomation(stack, {
      name: 'incident triage',
      trigger: { type: 'webhook', connection: hook, events: ['webhook.incident.opened'] },
      budget: { maxTokens: 10_000 },
      steps: [
        { id: 'retrieve', type: 'rag_retrieve', index: 'runbooks', query: '{{ trigger.payload.question }}', topK: 2 },
        {
          id: 'answer',
          type: 'llm',
          connection: llm,
          system: 'Answer from the context only; cite chunk ids.',
          prompt: 'Context:\n{{ $join(steps.retrieve.output.results.("[" & chunkId & "] " & text), "\\n") }}\n\nQuestion: {{ trigger.payload.question }}',
          output: ANSWER_SCHEMA,
          maxTokens: 200,
        },
        {
          id: 'notify',
          type: 'action',
          connection: slack,
          action: 'send_message',
          input: { channel: '#ops', text: '{{ steps.answer.output.object.answer }} (sources: {{ $join(steps.answer.output.object.sources, ", ") }})' },
        },
      ],
    });

    model.defaultReply = (req) => {
      const prompt = JSON.stringify(req.messages);
      const chunk = /\[(chk_[\w-]+)\] When the disk/.exec(prompt)?.[1] ?? 'none';
      return { content: JSON.stringify({ answer: 'Rotate the logs and page storage.', sources: [chunk] }), usage: { prompt_tokens: 210, completion_tokens: 17 } };
    };
    const body = JSON.stringify({ type: 'incident.opened', question: 'The disk is full, what now?' });
    const deliveryId = `msg_${randomUUID()}`;
    const ts = nowSeconds();
    const res = await deliver(stack.baseUrl, `/webhooks/webhook/${hook}`, body, {
      'content-type': 'application/json',
      'webhook-id': deliveryId,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook({ id: deliveryId, timestamp: ts, rawBody: body, secret: WHSEC }),
    });
    expect(res.status).toBe(202);

    const workflowId = runWorkflowId(automationId, eventWorkflowId('webhook', hook, deliveryId));
    const run = (await waitForRun(stack, workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the run to finish', 60_000)) as RunWithUsage;
    expect(run.status, JSON.stringify(run.steps)).toBe('completed');

    const retrieved = run.steps.find((s) => s.id === 'retrieve')!.output as { results: { chunkId: string; documentId: string; score: number }[] };
    expect(retrieved.results).toHaveLength(2);
    expect(retrieved.results[0]).toMatchObject({ documentId: 'disk', chunkId: expect.stringMatching(/^chk_/), score: expect.any(Number) });
    const answer = run.steps.find((s) => s.id === 'answer')!.output as { object: { sources: string[] }; usage: Usage };
    expect(answer.usage).toEqual({ inputTokens: 210, outputTokens: 17 });
    expect(answer.object.sources).toEqual([retrieved.results[0]!.chunkId]);
    expect(run.usage).toEqual({ inputTokens: 210, outputTokens: 17 });

    // The model saw the retrieved chunks and was asked for structured output.
    const chat = model.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body as { response_format?: { type: string } };
    expect(chat.response_format?.type).toBe('json_schema');
    expect(slackApi.requests).toHaveLength(1);
    expect(slackApi.requests[0]!.headers.authorization).toBe('Bearer xoxb-test');
    expect(JSON.parse(slackApi.requests[0]!.body)).toMatchObject({ channel: '#ops', text: `Rotate the logs and page storage. (sources: ${retrieved.results[0]!.chunkId})` });
  });

  it('an mcp_tool step calls a real MCP server; its result is in the run output, and an agent on /mcp starts and reads the run', async () => {
    const server = await api<{ id: string }>('/api/v1/mcp-servers', { name: 'calc', url: mcp.url, transport: 'streamable-http' });
    const synced = await stack.api(`/api/v1/mcp-servers/${server.id}/sync`, { method: 'POST' });
    expect(synced.status).toBe(200);
    const { id: automationId } = await createAutomation(stack, {
      name: 'adder',
      trigger: { type: 'manual' },
      input: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
      steps: [{ id: 'sum', type: 'mcp_tool', server: server.id, tool: 'add', args: { a: '{{ input.a }}', b: 2 } }],
    });

    const agent = new Client({ name: 'test-agent', version: '1.0.0' });
    await agent.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TEST_API_KEY}` } } }));
    try {
      const call = async (name: string, args: Record<string, unknown>) => {
        const out = await agent.callTool({ name, arguments: args });
        expect(out.isError ?? false, JSON.stringify(out.content)).toBe(false);
        return out.structuredContent as Record<string, unknown>;
      };
      const { tools } = await agent.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_automations', 'start_automation_run', 'get_run', 'decide_approval']));
      const listed = (await call('list_automations', {})) as { automations: { id: string; name: string }[] };
      expect(listed.automations).toContainEqual(expect.objectContaining({ id: automationId, name: 'adder' }));

      const started = (await call('start_automation_run', { automationId, input: { a: 3 }, idempotencyKey: 'agent-1' })) as { workflowId: string; duplicate: boolean };
      expect(started).toMatchObject({ workflowId: runWorkflowId(automationId, 'agent-1'), duplicate: false });
      const again = await call('start_automation_run', { automationId, input: { a: 3 }, idempotencyKey: 'agent-1' });
      expect(again).toMatchObject({ workflowId: started.workflowId, duplicate: true });

      const run = await waitFor(async () => {
        const r = (await call('get_run', { workflowId: started.workflowId })) as unknown as RunWithUsage;
        return r.status === 'completed' || r.status === 'failed' ? r : undefined;
      }, 'the run to finish via get_run');
      expect(run.status, JSON.stringify(run.steps)).toBe('completed');
      expect(run.result!.outputs['sum']).toMatchObject({ tool: 'add', isError: false, structuredContent: { sum: 5 } });
      expect(mcp.calls).toEqual([{ tool: 'add', args: { a: 3, b: 2 } }]);

      // An approval decided by the agent: the run waits, then finishes with the decision.
      const { id: gated } = await createAutomation(stack, {
        name: 'gated',
        trigger: { type: 'manual' },
        steps: [{ id: 'ok', type: 'approval', approvers: ['agent'], timeout: '1h', onTimeout: 'reject' }],
      });
      const waiting = (await call('start_automation_run', { automationId: gated })) as { workflowId: string };
      await waitFor(async () => ((await call('get_run', { workflowId: waiting.workflowId })) as unknown as RunBody).pendingApprovals.length === 1, 'the approval');
      const stranger = await agent.callTool({ name: 'decide_approval', arguments: { workflowId: waiting.workflowId, stepId: 'ok', decision: 'approve', approver: 'someone' } });
      expect(stranger.isError).toBe(true);
      expect(await call('decide_approval', { workflowId: waiting.workflowId, stepId: 'ok', decision: 'approve', approver: 'agent', comment: 'lgtm' })).toMatchObject({ approver: 'agent', decision: 'approve', comment: 'lgtm' });
      const approved = await waitForRun(stack, waiting.workflowId, (r) => r.status === 'completed', 'the approved run');
      expect(approved.result!.outputs['ok']).toMatchObject({ decision: 'approve', approver: 'agent' });

      // Invalid input is answered as a tool error, with the API's message.
      const bad = await agent.callTool({ name: 'start_automation_run', arguments: { automationId, input: { a: 'x' } } });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toMatch(/input schema/);
    } finally {
      await agent.close();
    }
  });

  it('a 429 with Retry-After is retried: the llm step succeeds on attempt 2, as the run shows', async () => {
    model.script.push({ status: 429, headers: { 'retry-after': '1' }, error: 'slow down' });
    model.defaultReply = () => ({ content: 'after the wait', usage: { prompt_tokens: 5, completion_tokens: 3 } });
    const { id: automationId } = await createAutomation(stack, { name: 'patient', trigger: { type: 'manual' }, steps: [{ id: 'ask', type: 'llm', connection: llm, prompt: 'Hi' }] });
    const { body } = await startRun(stack, automationId, {});
    const run = (await waitForRun(stack, body.workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the run to finish')) as RunWithUsage;
    expect(run.status).toBe('completed');
    expect(run.steps[0]).toMatchObject({ id: 'ask', status: 'completed', attempts: 2, output: { text: 'after the wait' } });
    expect(run.usage).toEqual({ inputTokens: 5, outputTokens: 3 });
  });

  it('a run budget below the reported usage stops the next llm step with BUDGET_EXCEEDED before it calls the model', async () => {
    model.defaultReply = () => ({ content: 'fine', usage: { prompt_tokens: 90, completion_tokens: 30 } });
    const { id: automationId } = await createAutomation(stack, {
      name: 'two questions',
      trigger: { type: 'manual' },
      budget: { maxTokens: 100 },
      steps: [
        { id: 'first', type: 'llm', connection: llm, prompt: 'Say fine.' },
        { id: 'second', type: 'llm', connection: llm, prompt: 'Say fine again.', onError: 'continue' },
      ],
    });
    const chatCalls = () => model.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
    const before = chatCalls();
    const { body } = await startRun(stack, automationId, {});
    const run = (await waitForRun(stack, body.workflowId, (r) => r.status === 'failed' || r.status === 'completed', 'the run to finish')) as RunWithUsage;
    expect(run.status).toBe('failed');
    expect(run.steps.find((s) => s.id === 'first')).toMatchObject({ status: 'completed', output: { text: 'fine', usage: { inputTokens: 90, outputTokens: 30 } } });
    const second = run.steps.find((s) => s.id === 'second')!;
    expect(second.status).toBe('failed');
    expect(second.error?.code).toBe('BUDGET_EXCEEDED');
    expect(second.error?.message).toMatch(/token budget of the run is 100; 120 used/);
    expect(run.error?.code).toBe('BUDGET_EXCEEDED');
    expect(run.usage).toEqual({ inputTokens: 90, outputTokens: 30 });
    expect(chatCalls() - before).toBe(1);
  });

  it('a budget given when the run starts limits that run only, under the automation budget', async () => {
    model.defaultReply = () => ({ content: 'fine', usage: { prompt_tokens: 90, completion_tokens: 30 } });
    const { id: automationId } = await createAutomation(stack, {
      name: 'budget per run',
      trigger: { type: 'manual' },
      budget: { maxTokens: 10_000 },
      steps: [
        { id: 'first', type: 'llm', connection: llm, prompt: 'Say fine.' },
        { id: 'second', type: 'llm', connection: llm, prompt: 'Say fine again.' },
      ],
    });
    const start = (budget?: { maxTokens: number }) =>
      stack.api(`/api/v1/automations/${automationId}/runs`, { method: 'POST', json: { input: {}, ...(budget ? { budget } : {}) } }).then((r) => r.json() as Promise<{ workflowId: string }>);
    const capped = await start({ maxTokens: 100 });
    const free = await start();
    const finished = (r: { status: string }) => r.status === 'failed' || r.status === 'completed';
    const cappedRun = (await waitForRun(stack, capped.workflowId, finished, 'the capped run')) as RunWithUsage;
    expect(cappedRun.status).toBe('failed');
    expect(cappedRun.steps.find((s) => s.id === 'second')?.error?.code).toBe('BUDGET_EXCEEDED');
    const freeRun = (await waitForRun(stack, free.workflowId, finished, 'the uncapped run')) as RunWithUsage;
    expect(freeRun.status).toBe('completed');
    expect(freeRun.usage).toEqual({ inputTokens: 180, outputTokens: 60 });
    const invalid = await stack.api(`/api/v1/automations/${automationId}/runs`, { method: 'POST', json: { budget: { maxTokens: 0 } } });
    expect(invalid.status).toBe(400);
  });
});
