/**
 * Save-time checks of a definition: step ids (pattern, reserved names) and references
 * to connections (and their connector's actions), MCP servers, RAG indexes and child
 * automations — every bad one reported with its path, in `[{ path, message }]`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, McpServer, RagIndex } from '../../src/db/entities/index.ts';
import { DIALECTS } from '../support/db.ts';
import { createAutomation } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

describe.each(DIALECTS)('automation references on %s', (dialect) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dialect, worker: false });
    const em = stack.services.orm.em.fork();
    em.create(Connection, { id: 'conn_gh', connector: 'github', name: 'gh', config: {}, secrets: null, secretFields: [] });
    // Names were never unique: a name two connections share names neither.
    em.create(Connection, { id: 'conn_dup1', connector: 'github', name: 'shared', config: {}, secrets: null, secretFields: [] });
    em.create(Connection, { id: 'conn_dup2', connector: 'slack', name: 'shared', config: {}, secrets: null, secretFields: [] });
    em.create(McpServer, { id: 'mcp_1', name: 'tools', url: 'http://127.0.0.1:9/mcp', transport: 'streamable-http', command: null, args: null, secrets: null, secretFields: [], tools: [], lastSyncedAt: null, lastError: null });
    em.create(RagIndex, { id: 'rag_1', name: 'kb', embedding: null, chunking: { size: 1000, overlap: 100 } });
    await em.flush();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (definition: unknown): Promise<{ status: number; body: ErrorBody }> => {
    const res = await stack.api('/api/v1/automations', { method: 'POST', json: definition });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  };

  it('saves a definition whose references all resolve (by id or name; templates are left to run time)', async () => {
    const child = await createAutomation(stack, { name: 'child', trigger: { type: 'manual' }, steps: [{ id: 'x', type: 'transform', output: 1 }] });
    const saved = await createAutomation(stack, {
      name: 'all good',
      trigger: { type: 'webhook', connection: 'conn_gh', events: ['github.issues.*'] },
      steps: [
        { id: 'comment', type: 'action', connection: 'conn_gh', action: 'add_comment', input: {} },
        { id: 'dyn', type: 'action', connection: '{{ input.conn }}', action: 'whatever' },
        { id: 'kb', type: 'rag_retrieve', index: 'kb', query: 'q' },
        { id: 'kb2', type: 'rag_retrieve', index: 'rag_1', query: 'q' },
        { id: 'tool', type: 'mcp_tool', server: 'tools', tool: 't' },
        { id: 'sub', type: 'automation', automation: child.id },
      ],
    });
    expect(saved.version).toBe(1);
  });

  it('refuses every unknown reference at once, each with its path', async () => {
    const { status, body } = await post({
      name: 'broken',
      trigger: { type: 'webhook', connection: 'conn_nope', events: ['*'] },
      steps: [
        { id: 'a', type: 'action', connection: 'conn_missing', action: 'add_comment' },
        { id: 'b', type: 'action', connection: 'conn_gh', action: 'no_such_action' },
        {
          id: 'c',
          type: 'condition',
          if: 'true',
          then: [{ id: 'r', type: 'rag_retrieve', index: 'nope', query: 'q' }],
          else: [{ id: 'm', type: 'mcp_tool', server: 'mcp_nope', tool: 't' }],
        },
        { id: 'p', type: 'parallel', branches: [[{ id: 'sub', type: 'automation', automation: 'auto_nope' }]] },
        {
          id: 'ok',
          type: 'approval',
          timeout: '1d',
          onTimeout: 'reject',
          remind: { action: { connection: 'conn_gone', action: 'x' } },
        },
        { id: 'ask', type: 'llm', connection: 'conn_llm_nope', prompt: 'hi', tools: [{ mcpServer: 'nope' }, { connection: 'conn_gh', action: 'nope' }].map((t) => ('mcpServer' in t ? { ...t, tool: 't' } : t)) },
      ],
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_INPUT');
    const paths = body.error.details.map((d) => d.path);
    expect(paths).toEqual([
      'body.trigger.connection',
      'body.steps[0].connection',
      'body.steps[1].action',
      'body.steps[2].then[0].index',
      'body.steps[2].else[0].server',
      'body.steps[3].branches[0][0].automation',
      'body.steps[4].remind.action.connection',
      'body.steps[5].connection',
      'body.steps[5].tools[0].mcpServer',
      'body.steps[5].tools[1].action',
    ]);
    expect(body.error.details[2]!.message).toMatch(/connector "github" .* has no action "no_such_action" \(it has: .*add_comment/);
    expect(body.error.details[0]!.message).toBe('connection "conn_nope" does not exist');
  });

  it('a step names its connection by id or by name; the checks use the named connection; a trigger needs the id', async () => {
    const saved = await createAutomation(stack, {
      name: 'by name',
      trigger: { type: 'manual' },
      steps: [
        { id: 'byName', type: 'action', connection: 'gh', action: 'add_comment', input: {} },
        { id: 'byId', type: 'action', connection: 'conn_gh', action: 'add_comment', input: {} },
        { id: 'dupById', type: 'action', connection: 'conn_dup1', action: 'add_comment', input: {} },
      ],
    });
    expect(saved.version).toBe(1);

    const { status, body } = await post({
      name: 'bad names',
      trigger: { type: 'webhook', connection: 'gh', events: ['*'] },
      steps: [
        { id: 'unknown', type: 'action', connection: 'nobody', action: 'add_comment' },
        { id: 'wrongAction', type: 'action', connection: 'gh', action: 'send_message' },
        { id: 'ambiguous', type: 'action', connection: 'shared', action: 'add_comment' },
        { id: 'notLlm', type: 'llm', connection: 'gh', prompt: 'hi' },
      ],
    });
    expect(status).toBe(400);
    expect(body.error.details).toEqual([
      { path: 'body.trigger.connection', message: 'connection "gh" does not exist' },
      { path: 'body.steps[0].connection', message: 'connection "nobody" does not exist' },
      { path: 'body.steps[1].action', message: expect.stringMatching(/^connector "github" of connection "gh" has no action "send_message"/) },
      { path: 'body.steps[2].connection', message: expect.stringMatching(/^connection name "shared" is shared by several connections/) },
      { path: 'body.steps[3].connection', message: expect.stringMatching(/^connection "gh" uses connector "github", which does not provide llm/) },
    ]);
  });

  it('refuses a connection name that could be read as an id (conn_…)', async () => {
    const created = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'github', name: 'conn_gh', config: {} } });
    expect(created.status).toBe(400);
    expect(JSON.stringify(await created.json())).toMatch(/must not start with \\"conn_\\"/);
    const renamed = await stack.api('/api/v1/connections/conn_gh', { method: 'PATCH', json: { name: ' conn_other' } });
    expect(renamed.status).toBe(400);
    expect(JSON.stringify(await renamed.json())).toMatch(/body\.name.*must not start with/);
  });

  it('checks references on a new version too', async () => {
    const { id } = await createAutomation(stack, { name: 'v', trigger: { type: 'manual' }, steps: [{ id: 'x', type: 'transform', output: 1 }] });
    const put = await stack.api(`/api/v1/automations/${id}`, {
      method: 'PUT',
      json: { name: 'v', trigger: { type: 'manual' }, steps: [{ id: 'self', type: 'automation', automation: id, when: 'false' }, { id: 'y', type: 'rag_retrieve', index: 'gone', query: 'q' }] },
    });
    expect(put.status).toBe(400);
    const body = (await put.json()) as ErrorBody;
    expect(body.error.details).toEqual([{ path: 'body.steps[1].index', message: 'RAG index "gone" does not exist' }]);
  });

  it('refuses reserved and malformed step ids with their paths', async () => {
    for (const id of ['__proto__', 'constructor', 'prototype', 'toString', 'has space', '1st']) {
      const { status, body } = await post({ name: `id ${id}`, trigger: { type: 'manual' }, steps: [{ id, type: 'transform', output: 1 }] });
      expect(status, id).toBe(400);
      expect(body.error.details.map((d) => d.path)).toContain('body.steps.0.id');
    }
  });

  it('refuses a schedule Temporal cannot read with 400, not 500', async () => {
    const { status, body } = await post({ name: 'bad cron', trigger: { type: 'schedule', cron: 'every tuesday' }, steps: [{ id: 'a', type: 'transform', output: 1 }] });
    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: 'body.trigger', message: expect.stringMatching(/schedule is not valid/) }]);
  });

  it('lists the valid step types when a type is unknown', async () => {
    const { status, body } = await post({ name: 'typo', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'acton', connection: 'conn_gh', action: 'add_comment' }] });
    expect(status).toBe(400);
    const detail = body.error.details.find((d) => d.path === 'body.steps.0.type');
    expect(detail?.message).toMatch(/action.*condition.*transform.*llm.*rag_retrieve.*mcp_tool/);
  });
});
