/**
 * The `agent` step on the real dev server, API and worker, against local fakes speaking
 * OpenAI's tool-calling wire format and Jira's REST API: a tool call that needs approval
 * parks the run (inbox shows tool and arguments), a rejection reaches the model as the
 * tool result, an approved call creates exactly one issue; bad arguments go back to the
 * model, not to Jira; cost per call and per run with a maxCost budget; thread memory
 * across runs; save-time 400s.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fakes/anthropic.ts';
import { startFakeJira, type FakeJira } from '../support/fakes/jira-api.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

interface AgentRun {
  status: string;
  steps: { id: string; status: string; output?: Record<string, unknown>; error?: { code: string; message: string }; transcript?: { kind: string; name?: string; status?: string; toolCalls?: { name: string }[] }[] }[];
  usage: { inputTokens: number; outputTokens: number; cost?: number; currency?: string };
}
interface Inbox {
  items: { workflowId: string; stepId: string; approvers: string[]; title?: string; description?: string; context?: { label: string; value: string }[] }[];
}

// Prices per 1M tokens, high so one call's cost is plain: 100 in + 10 out = 0.1 + 0.02.
const PRICING = { currency: 'EUR', models: { 'fake-1': { input: 1000, output: 2000 } } };

describe('agent step', () => {
  let stack: TestStack;
  let model: FakeOpenAi;
  let claude: FakeAnthropic;
  let jira: FakeJira;
  let leadKey: string;

  const chats = () => model.requests.filter((r) => r.path === '/v1/chat/completions');
  const as = (key: string, path: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${stack.baseUrl}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
  const run = async (wf: string) => (await stack.api(`/api/v1/runs/${encodeURIComponent(wf)}`).then((r) => r.json())) as AgentRun;

  beforeAll(async () => {
    model = await startFakeOpenAi({ apiKey: 'sk-good' });
    jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token-1' });
    claude = await startFakeAnthropic({ apiKey: 'sk-ant-good' });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    const key = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'lead key', principal: 'lead', scopes: ['approvals:read', 'approvals:decide', 'runs:read'] } });
    leadKey = ((await key.json()) as { key: string }).key;
    const conn = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'openai', name: 'model', config: { baseUrl: model.baseUrl, model: 'fake-1', pricing: PRICING }, secrets: { apiKey: 'sk-good' } } });
    expect(conn.status).toBe(201);
    const j = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'jira', name: 'jira', config: { baseUrl: jira.url, email: 'bot@example.com' }, secrets: { apiToken: 'jira-token-1' } } });
    expect(j.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await model?.close();
    await jira?.close();
    await claude?.close();
  });

  it('parks a call to an approval-required tool; a rejection reaches the model, an approved call creates exactly one issue', async () => {
    const auto = await createAutomation(stack, {
      name: 'triage agent',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'triage',
          type: 'agent',
          connection: 'model',
          system: 'You triage alerts.',
          prompt: 'Alert: {{ input.alert }}',
          tools: [{ connection: 'jira', action: 'create_issue', requireApproval: true, approvers: ['lead'] }],
        },
      ],
    });
    model.script.push(
      { content: 'The disk is full; a ticket lets ops fix it.', toolCalls: [{ id: 'call_a', name: 'jira_create_issue', arguments: { projectKey: 'WEB', summary: 'Disk full' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
      { content: 'Filing in OPS instead.', toolCalls: [{ id: 'call_b', name: 'jira_create_issue', arguments: { projectKey: 'OPS', summary: 'Disk full on web-1' } }], usage: { prompt_tokens: 150, completion_tokens: 10 } },
      { content: 'Filed OPS-1.', usage: { prompt_tokens: 200, completion_tokens: 5 } },
    );
    const before = chats().length;
    const { body } = await startRun(stack, auto.id, { alert: 'disk full on web-1' });
    const wf = body.workflowId;

    // Parked: the inbox shows the tool, its arguments and the model's reason; the run page the tool call so far.
    const first = await waitFor(async () => ((await (await as(leadKey, '/approvals?mine=true')).json()) as Inbox).items.find((i) => i.workflowId === wf), 'the first tool call in the inbox');
    expect(first).toMatchObject({ stepId: 'triage.round1.tool1', approvers: ['lead'], title: 'Agent triage wants to call jira_create_issue', description: 'The disk is full; a ticket lets ops fix it.' });
    expect(first.context).toEqual([
      { label: 'tool', value: 'jira_create_issue' },
      { label: 'arguments', value: JSON.stringify({ projectKey: 'WEB', summary: 'Disk full' }) },
    ]);
    const parked = await run(wf);
    expect(parked.status).toBe('waiting_approval');
    const transcript = parked.steps[0]!.transcript!;
    expect(transcript.map((t) => t.kind)).toEqual(['model', 'approval']);
    expect(transcript[0]!.toolCalls).toEqual([{ id: 'call_a', name: 'jira_create_issue', arguments: { projectKey: 'WEB', summary: 'Disk full' } }]);
    expect(jira.created).toHaveLength(0);

    // An approver who is not named may not decide; the named one rejects with a comment.
    const rejected = await as(leadKey, `/runs/${encodeURIComponent(wf)}/approvals/triage.round1.tool1`, { method: 'POST', json: { decision: 'reject', comment: 'wrong project, use OPS' } });
    expect(rejected.status).toBe(200);
    const second = await waitFor(async () => ((await (await as(leadKey, '/approvals?mine=true')).json()) as Inbox).items.find((i) => i.workflowId === wf && i.stepId === 'triage.round2.tool1'), 'the second tool call in the inbox');
    expect(second.context![1]!.value).toBe(JSON.stringify({ projectKey: 'OPS', summary: 'Disk full on web-1' }));
    const toolResult = (chats()[before + 1]!.body as { messages: { role: string; content: string; tool_call_id?: string }[] }).messages.find((m) => m.role === 'tool');
    expect(toolResult).toEqual({ role: 'tool', tool_call_id: 'call_a', content: 'rejected by lead: wrong project, use OPS' });
    expect(jira.created).toHaveLength(0);

    const approved = await as(leadKey, `/runs/${encodeURIComponent(wf)}/approvals/triage.round2.tool1`, { method: 'POST', json: { decision: 'approve' } });
    expect(approved.status).toBe(200);
    const done = await waitForRun(stack, wf, (r) => r.status === 'completed', 'the agent run to complete');
    expect(jira.created).toHaveLength(1);
    expect(jira.created[0]).toMatchObject({ project: { key: 'OPS' }, summary: 'Disk full on web-1' });
    expect(chats().length - before).toBe(3);
    const out = done.steps[0]!.output as { text: string; rounds: number; toolCalls: unknown[]; usage: { cost: number; currency: string } };
    expect(out).toMatchObject({ text: 'Filed OPS-1.', rounds: 3, toolCalls: [{ name: 'jira_create_issue', ok: false }, { name: 'jira_create_issue', ok: true }] });
    // (100+150+200)·1000/1M + (10+10+5)·2000/1M = 0.45 + 0.05
    expect(out.usage).toMatchObject({ inputTokens: 450, outputTokens: 25, cost: 0.5, currency: 'EUR' });
    const final = await run(wf);
    expect(final.usage).toMatchObject({ cost: 0.5, currency: 'EUR' });
    expect(final.steps[0]!.transcript!.map((t) => `${t.kind}${t.status ? `:${t.status}` : ''}`)).toEqual(['model', 'approval:rejected', 'tool', 'model', 'approval:approved', 'tool', 'model']);
    const metrics = await (await stack.api('/metrics')).text();
    expect(metrics).toMatch(/switchboard_llm_cost_total\{connection="model",model="fake-1"\} 0\.5/);
  }, 60_000);

  it('sends an unknown tool and arguments that fail the schema back to the model, never to Jira', async () => {
    const auto = await createAutomation(stack, {
      name: 'careless agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'a', type: 'agent', connection: 'model', prompt: 'file it', maxRounds: 3, tools: [{ connection: 'jira', action: 'create_issue' }] }],
    });
    model.script.push(
      { toolCalls: [{ id: 'c1', name: 'jira_create_issue', arguments: { projectKey: 'lowercase', summary: '' } }, { id: 'c2', name: 'jira_delete_everything', arguments: {} }] },
      { content: 'I could not file it.' },
    );
    const before = chats().length;
    const jiraBefore = jira.requests.length;
    const { body } = await startRun(stack, auto.id, {});
    const done = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(jira.requests.length).toBe(jiraBefore);
    const tools = (chats()[before + 1]!.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'tool');
    expect(tools[0]!.content).toMatch(/arguments do not match the schema of jira_create_issue: projectKey/);
    expect(tools[1]!.content).toMatch(/unknown tool \\"jira_delete_everything\\"/);
    expect(done.steps[0]!.output).toMatchObject({ text: 'I could not file it.', rounds: 2 });
  }, 60_000);

  it('refuses the call that would cross maxCost with BUDGET_EXCEEDED and shows the cost of the first', async () => {
    const auto = await createAutomation(stack, {
      name: 'thrifty agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'a', type: 'agent', connection: 'model', prompt: 'look around', tools: [{ connection: 'jira', action: 'create_issue' }], budget: { maxCost: 0.121 } }],
    });
    model.script.push({ toolCalls: [{ id: 'c1', name: 'jira_nothing', arguments: {} }], usage: { prompt_tokens: 100, completion_tokens: 10 } }, { content: 'never sent' });
    const before = chats().length;
    const { body } = await startRun(stack, auto.id, {});
    const failed = await waitForRun(stack, body.workflowId, (r) => r.status === 'failed', 'the run to fail');
    expect(chats().length - before).toBe(1);
    expect(failed.steps[0]!.error!.code).toBe('BUDGET_EXCEEDED');
    expect(failed.steps[0]!.error!.message).toMatch(/budget\.maxCost\) is 0\.121 EUR; 0\.12 EUR spent/);
    expect(((await run(body.workflowId)).usage)).toMatchObject({ inputTokens: 100, outputTokens: 10, cost: 0.12, currency: 'EUR' });
    model.script.length = 0;
  }, 60_000);

  it('gives the second run of a thread the first run\'s exchange; the thread can be read and forgotten', async () => {
    const auto = await createAutomation(stack, {
      name: 'chat agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'chat', type: 'agent', connection: 'model', prompt: '{{ input.text }}', memory: { thread: 'slack-{{ input.thread }}' } }],
    });
    model.script.push({ content: 'Hello Ada.' }, { content: 'Your name is Ada.' });
    const before = chats().length;
    const one = await startRun(stack, auto.id, { thread: '1712.34', text: 'My name is Ada.' });
    await waitForRun(stack, one.body.workflowId, (r) => r.status === 'completed', 'the first run');
    const two = await startRun(stack, auto.id, { thread: '1712.34', text: 'What is my name?' });
    const done = await waitForRun(stack, two.body.workflowId, (r) => r.status === 'completed', 'the second run');
    expect(done.steps[0]!.output).toMatchObject({ text: 'Your name is Ada.', thread: 'slack-1712.34' });
    const second = chats()[before + 1]!.body as { messages: { role: string; content: string }[] };
    expect(second.messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
    const thread = await stack.api('/api/v1/threads/slack-1712.34');
    expect(thread.status).toBe(200);
    expect(await thread.json()).toMatchObject({ key: 'slack-1712.34', runs: 2, messages: [{ role: 'user', content: 'My name is Ada.' }, {}, {}, { role: 'assistant', content: 'Your name is Ada.' }] });
    expect((await stack.api('/api/v1/threads/slack-1712.34', { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api('/api/v1/threads/slack-1712.34')).status).toBe(404);
    expect((await stack.api('/api/v1/threads/slack-1712.34', { method: 'DELETE' })).status).toBe(404);
  }, 60_000);

  it('summarises the older turns of a thread once it passes memory.summarize; the next run gets the summary and the newest turns', async () => {
    const auto = await createAutomation(stack, {
      name: 'summarising agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'chat', type: 'agent', connection: 'model', prompt: '{{ input.text }}', memory: { thread: 'sum-{{ input.thread }}', summarize: { afterMessages: 4, keepMessages: 2, maxTokens: 120 } } }],
    });
    model.script.push({ content: 'Hello Ada.' }, { content: 'Lisbon is lovely.' }, { content: 'You are Ada from Lisbon.' }, { content: 'The user is Ada; she lives in Lisbon.', usage: { prompt_tokens: 40, completion_tokens: 10 } }, { content: 'You are welcome, Ada.' }, { content: 'Ada from Lisbon asked what is known about her.' });
    const before = chats().length;
    const say = async (text: string) => {
      const { body } = await startRun(stack, auto.id, { thread: 'x1', text });
      return waitForRun(stack, body.workflowId, (r) => r.status === 'completed', `the run "${text}"`);
    };
    await say('My name is Ada.');
    await say('I live in Lisbon.');
    // Four stored messages are not past afterMessages: no summary yet.
    expect(chats().length - before).toBe(2);
    const third = await say('What do you know about me?');
    // The third run ends with six messages: the four older ones are summarised by one more model call.
    expect(chats().length - before).toBe(4);
    const summaryCall = chats()[before + 3]!.body as { messages: { role: string; content: string }[]; max_tokens?: number; max_completion_tokens?: number; tools?: unknown };
    expect(summaryCall.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('summarise') });
    expect(summaryCall.messages[1]).toEqual({ role: 'user', content: 'User: My name is Ada.\nAssistant: Hello Ada.\nUser: I live in Lisbon.\nAssistant: Lisbon is lovely.' });
    expect(summaryCall.max_tokens ?? summaryCall.max_completion_tokens).toBe(120);
    expect(summaryCall.tools).toBeUndefined();
    const step = third.steps[0]! as unknown as { output: { usage: { inputTokens: number } }; transcript: { kind: string; summarized?: number; text?: string }[] };
    expect(step.transcript.at(-1)).toMatchObject({ kind: 'memory', summarized: 4, text: 'The user is Ada; she lives in Lisbon.' });
    expect(step.output.usage.inputTokens).toBeGreaterThanOrEqual(40);
    const stored = (await (await stack.api('/api/v1/threads/sum-x1')).json()) as { messages: { role: string; content: string }[]; runs: number };
    expect(stored.runs).toBe(3);
    expect(stored.messages).toEqual([
      { role: 'user', content: 'Summary of the earlier conversation:\nThe user is Ada; she lives in Lisbon.' },
      { role: 'user', content: 'What do you know about me?' },
      { role: 'assistant', content: 'You are Ada from Lisbon.' },
    ]);
    // The next run is given the summary in place of the older turns; past the size again, the
    // earlier summary is folded into the new one.
    await say('Thanks!');
    expect(chats().length - before).toBe(6);
    expect((chats()[before + 4]!.body as { messages: unknown[] }).messages).toEqual([...stored.messages, { role: 'user', content: 'Thanks!' }]);
    expect((chats()[before + 5]!.body as { messages: { content: string }[] }).messages[1]!.content).toBe(
      'Earlier summary: The user is Ada; she lives in Lisbon.\nUser: What do you know about me?\nAssistant: You are Ada from Lisbon.',
    );
    const again = (await (await stack.api('/api/v1/threads/sum-x1')).json()) as { messages: { role: string; content: string }[] };
    expect(again.messages.map((m) => m.content)).toEqual(['Summary of the earlier conversation:\nAda from Lisbon asked what is known about her.', 'Thanks!', 'You are welcome, Ada.']);
  }, 90_000);

  it('stores the thread unsummarised when the summary would cross the step\'s maxCost, and says so on the step', async () => {
    const auto = await createAutomation(stack, {
      name: 'thrifty memory agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'chat', type: 'agent', connection: 'model', prompt: '{{ input.text }}', budget: { maxCost: 0.15 }, memory: { thread: 'thrifty-{{ input.thread }}', summarize: { afterMessages: 2, keepMessages: 2 } } }],
    });
    model.script.push({ content: 'Hi.', usage: { prompt_tokens: 100, completion_tokens: 10 } }, { content: 'Hi again.', usage: { prompt_tokens: 100, completion_tokens: 10 } });
    const before = chats().length;
    for (const text of ['hello', 'hello again']) {
      const { body } = await startRun(stack, auto.id, { thread: 'y', text });
      const done = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', `the run "${text}"`);
      if (text === 'hello') expect(done.steps[0]!.error).toBeUndefined();
      else expect(done.steps[0]!.error).toMatchObject({ code: 'SUMMARY_SKIPPED', message: expect.stringContaining('budget.maxCost') });
    }
    // Two answers, no summary call: the thread keeps all four messages.
    expect(chats().length - before).toBe(2);
    const stored = (await (await stack.api('/api/v1/threads/thrifty-y')).json()) as { messages: { content: string }[] };
    expect(stored.messages.map((m) => m.content)).toEqual(['hello', 'Hi.', 'hello again', 'Hi again.']);
  }, 60_000);

  it('on Anthropic: tool_use and tool_result blocks round-trip, the thread carries them to the next run, built-in prices apply', async () => {
    const c = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'anthropic', name: 'claude', config: { baseUrl: claude.url, model: 'claude-haiku-4-5' }, secrets: { apiKey: 'sk-ant-good' } } });
    expect(c.status).toBe(201);
    const auto = await createAutomation(stack, {
      name: 'claude agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'ops', type: 'agent', connection: 'claude', prompt: '{{ input.text }}', tools: [{ connection: 'jira', action: 'create_issue' }], memory: { thread: 'c-{{ input.thread }}' } }],
    });
    claude.script.push(
      { text: 'Filing it.', toolUses: [{ id: 'toolu_1', name: 'jira_create_issue', input: { projectKey: 'OPS', summary: 'Printer on fire' } }], usage: { input_tokens: 1000, output_tokens: 100 } },
      { text: 'Filed OPS-9.', usage: { input_tokens: 1200, output_tokens: 20 } },
      { text: 'You asked about the printer.', usage: { input_tokens: 1500, output_tokens: 20 } },
    );
    const created = jira.created.length;
    const one = await startRun(stack, auto.id, { thread: 't1', text: 'The printer is on fire.' });
    const first = await waitForRun(stack, one.body.workflowId, (r) => r.status === 'completed', 'the first claude run');
    expect(jira.created.length - created).toBe(1);
    // claude-haiku-4-5: 1 USD in, 5 USD out per 1M → 2200·1/1M + 120·5/1M
    expect((first.steps[0]!.output as { usage: unknown }).usage).toEqual({ inputTokens: 2200, outputTokens: 120, cost: 0.0028, currency: 'USD' });
    const afterTool = claude.requests.at(-1)!.body;
    expect(afterTool.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: expect.stringContaining('"key":"OPS-') }] });
    const two = await startRun(stack, auto.id, { thread: 't1', text: 'What did I ask about?' });
    await waitForRun(stack, two.body.workflowId, (r) => r.status === 'completed', 'the second claude run');
    const next = claude.requests.at(-1)!.body;
    expect(next.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(next.messages[0]).toEqual({ role: 'user', content: 'The printer is on fire.' });
    expect(next.messages[1]!.content).toEqual([{ type: 'text', text: 'Filing it.' }, { type: 'tool_use', id: 'toolu_1', name: 'jira_create_issue', input: { projectKey: 'OPS', summary: 'Printer on fire' } }]);
    expect(next.messages[3]).toEqual({ role: 'assistant', content: 'Filed OPS-9.' });
    expect(next.messages[4]).toEqual({ role: 'user', content: 'What did I ask about?' });
  }, 60_000);

  it('lists an automation that is one agent step as an MCP tool with its input schema; its RAG tool retrieves from the index', async () => {
    const idx = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'runbooks' } });
    expect(idx.status).toBe(201);
    const indexId = ((await idx.json()) as { id: string }).id;
    const ing = await stack.api(`/api/v1/rag/indexes/${indexId}/documents`, {
      method: 'POST',
      json: { documents: [{ id: 'disk', text: 'When the disk is full, rotate the logs with logrotate -f.' }, { id: 'dns', text: 'DNS failures: flush the resolver cache.' }] },
    });
    expect(ing.status).toBe(202);
    const { ingestionId } = (await ing.json()) as { ingestionId: string };
    await waitFor(async () => ((await (await stack.api(`/api/v1/rag/ingestions/${ingestionId}`)).json()) as { status: string }).status === 'COMPLETED', 'the ingestion');
    const auto = await createAutomation(stack, {
      name: 'Runbook helper',
      description: 'Answers ops questions from the runbooks.',
      trigger: { type: 'manual' },
      input: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
      steps: [{ id: 'answer', type: 'agent', connection: 'model', prompt: '{{ input.question }}', tools: [{ rag: 'runbooks', topK: 1 }] }],
    });
    expect(auto.id).toBeTruthy();
    model.script.push({ toolCalls: [{ id: 'r1', name: 'rag_runbooks', arguments: { query: 'disk full' } }] }, { content: 'Rotate the logs with logrotate -f.' });
    const client = new Client({ name: 'outer-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TEST_API_KEY}` } } }));
    try {
      const { tools } = await client.listTools();
      const tool = tools.find((t) => t.name === 'agent_runbook_helper');
      expect(tool).toMatchObject({ description: 'Answers ops questions from the runbooks.', inputSchema: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] } });
      const res = await client.callTool({ name: 'agent_runbook_helper', arguments: { question: 'the disk is full, what now?' } });
      expect(res.isError ?? false).toBe(false);
      expect(res.structuredContent).toMatchObject({ status: 'completed', output: { text: 'Rotate the logs with logrotate -f.', rounds: 2, toolCalls: [{ name: 'rag_runbooks', ok: true }] } });
    } finally {
      await client.close();
    }
    const offered = (chats().at(-2)!.body as { tools: { function: { name: string; parameters: unknown } }[] }).tools;
    expect(offered.map((t) => t.function.name)).toEqual(['rag_runbooks']);
    const retrieved = (chats().at(-1)!.body as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === 'tool')!;
    expect(retrieved.content).toContain('logrotate -f');
    expect(retrieved.content).not.toContain('resolver cache');
  }, 90_000);

  it('answers 400 at save for unknown tools, approvers that do not exist, maxRounds out of range and negative prices', async () => {
    const save = (step: Record<string, unknown>) =>
      stack.api('/api/v1/automations', { method: 'POST', json: { name: `bad ${Math.random()}`, trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'agent', connection: 'model', prompt: 'hi', ...step }] } });
    const problems = async (res: Response) => {
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { details: { path: string; message: string }[] } }).error.details;
    };
    expect(await problems(await save({ tools: [{ connection: 'jira', action: 'delete_everything' }] }))).toEqual([expect.objectContaining({ path: 'body.steps[0].tools[0].action', message: expect.stringContaining('no action "delete_everything"') })]);
    expect(await problems(await save({ tools: [{ mcpServer: 'nowhere', tool: 'x' }] }))).toEqual([expect.objectContaining({ path: 'body.steps[0].tools[0].mcpServer' })]);
    expect(await problems(await save({ tools: [{ connection: 'jira', action: 'create_issue', requireApproval: true, approvers: ['lead', 'nobody'] }] }))).toEqual([
      expect.objectContaining({ path: 'body.steps[0].tools[0].approvers[1]', message: expect.stringContaining('approver "nobody" does not exist') }),
    ]);
    expect((await problems(await save({ maxRounds: 0 })))[0]!.path).toMatch(/steps\.0\.maxRounds$/);
    expect((await problems(await save({ maxRounds: 51 })))[0]!.path).toMatch(/steps\.0\.maxRounds$/);
    const negative = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'openai', name: 'cheap', config: { model: 'x', pricing: { models: { x: { input: -1, output: 1 } } } }, secrets: { apiKey: 'k' } } });
    const details = await problems(negative);
    expect(details[0]).toMatchObject({ path: expect.stringContaining('pricing.models.x.input'), message: 'a price cannot be negative' });
  });
});
