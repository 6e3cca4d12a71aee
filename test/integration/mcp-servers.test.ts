/**
 * MCP server registrations against real MCP servers (official SDK) over streamable
 * HTTP and stdio: secrets encrypted, sync two → one, tool calls validated first.
 */
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpActivities } from '../../activities/mcp.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { loadConfig } from '../../src/config.ts';
import { McpServer } from '../../src/db/entities/index.ts';
import { syncMcpServer } from '../../src/mcp/service.ts';
import { DIALECTS } from '../support/db.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../support/fakes/mcp-server.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const stdioScript = fileURLToPath(new URL('../support/fakes/mcp-stdio-server.mjs', import.meta.url));

describe.each(DIALECTS)('MCP servers on %s', (dialect) => {
  let stack: TestStack;
  let fake: FakeMcpServer;
  let id: string;
  beforeAll(async () => {
    fake = await startFakeMcpServer({ bearer: 'tok-secret-1' });
    stack = await startTestStack({ dialect, worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1', SWITCHBOARD_MCP_STDIO_COMMANDS: process.execPath } });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  it('registers a server with encrypted secrets that are never returned', async () => {
    const res = await stack.api('/api/v1/mcp-servers', {
      method: 'POST',
      json: { name: 'tools', url: fake.url, transport: 'streamable-http', bearer: 'tok-secret-1', headers: { 'X-Team': 'blue-secret' } },
    });
    expect(res.status).toBe(201);
    id = ((await res.json()) as { id: string }).id;
    const got = await stack.api(`/api/v1/mcp-servers/${id}`);
    const text = await got.text();
    expect(text).not.toContain('tok-secret-1');
    expect(text).not.toContain('blue-secret');
    expect(JSON.parse(text)).toMatchObject({ name: 'tools', transport: 'streamable-http', secretFields: ['bearer', 'headers.X-Team'], toolCount: 0, lastSyncedAt: null });
    const raw = JSON.stringify(await stack.db.query('select * from mcp_servers'));
    expect(raw).not.toContain('tok-secret-1');
    expect((await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: 'tools', url: fake.url, transport: 'sse' } })).status).toBe(409);
    expect((await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: 'x', transport: 'streamable-http' } })).status).toBe(400);
  });

  it('syncs the tools over MCP: two, then one after a tool is removed', async () => {
    const first = await stack.api(`/api/v1/mcp-servers/${id}/sync`, { method: 'POST' });
    expect(first.status).toBe(200);
    const synced = (await first.json()) as { tools: { name: string; inputSchema: { properties: object } }[] };
    expect(synced.tools.map((t) => t.name).sort()).toEqual(['add', 'echo']);
    expect(synced.tools.find((t) => t.name === 'add')!.inputSchema.properties).toHaveProperty('a');
    const listed = (await (await stack.api(`/api/v1/mcp-servers/${id}/tools`)).json()) as { items: { name: string }[] };
    expect(listed.items).toHaveLength(2);

    fake.tools.delete('echo');
    const second = await stack.api(`/api/v1/mcp-servers/${id}/sync`, { method: 'POST' });
    expect(second.status).toBe(200);
    const after = (await (await stack.api(`/api/v1/mcp-servers/${id}/tools`)).json()) as { items: { name: string }[] };
    expect(after.items.map((t) => t.name)).toEqual(['add']);
    const view = (await (await stack.api(`/api/v1/mcp-servers/${id}`)).json()) as { lastSyncedAt: string; lastError: null; toolCount: number };
    expect(view.toolCount).toBe(1);
    expect(view.lastError).toBeNull();
    expect(Date.parse(view.lastSyncedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('calls a tool as an activity, validating arguments against the input schema first', async () => {
    const { mcpCallTool } = createMcpActivities(stack.services);
    const out = await mcpCallTool({ serverId: 'tools', tool: 'add', args: { a: 2, b: 3 } });
    expect(out).toMatchObject({ server: id, tool: 'add', isError: false, structuredContent: { sum: 5 }, content: [{ type: 'text', text: '5' }] });
    const calls = fake.calls.length;
    const bad = await mcpCallTool({ serverId: id, tool: 'add', args: { a: 'two' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApplicationFailure);
    expect(bad).toMatchObject({ type: 'INVALID_INPUT', nonRetryable: true });
    expect(fake.calls.length).toBe(calls); // never sent
    const missing = await mcpCallTool({ serverId: id, tool: 'echo', args: { text: 'x' } }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ type: 'NOT_FOUND', nonRetryable: true });
  });

  it('records a failed sync in lastError and keeps the tools; PATCH replaces secrets', async () => {
    expect((await stack.api(`/api/v1/mcp-servers/${id}`, { method: 'PATCH', json: { bearer: 'wrong' } })).status).toBe(200);
    const res = await stack.api(`/api/v1/mcp-servers/${id}/sync`, { method: 'POST' });
    expect(res.status).toBe(502);
    const view = (await (await stack.api(`/api/v1/mcp-servers/${id}`)).json()) as { lastError: string; toolCount: number };
    expect(view.lastError).toMatch(/^AUTH_FAILED/);
    expect(view.toolCount).toBe(1);
    expect((await stack.api(`/api/v1/mcp-servers/${id}`, { method: 'PATCH', json: { bearer: 'tok-secret-1' } })).status).toBe(200);
    expect((await stack.api(`/api/v1/mcp-servers/${id}/sync`, { method: 'POST' })).status).toBe(200);
  });

  it('refuses private addresses without SWITCHBOARD_SSRF_ALLOW', async () => {
    const em = stack.services.orm.em.fork();
    const row = await em.findOneOrFail(McpServer, { id });
    const closed = loadConfig({});
    const result = await syncMcpServer(em, stack.services.keyring, row, { fetch: createOutbound(closed.ssrfAllow).fetch, stdioCommands: [] });
    expect(result.error).toMatch(/SSRF_BLOCKED/);
  });

  it('refuses at registration (400, path url) a URL the SSRF guard blocks, so sync never meets it', async () => {
    for (const url of ['http://169.254.169.254/mcp', 'http://10.0.0.8/mcp', 'http://localhost:9/mcp', 'ftp://example.com/mcp']) {
      const res = await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: `blocked-${url.length}`, transport: 'streamable-http', url } });
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { code: string; details?: { path: string }[] } };
      expect(body.error.code === 'SSRF_BLOCKED' || body.error.code === 'INVALID_INPUT', url).toBe(true);
    }
    const metadata = await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: 'metadata', transport: 'streamable-http', url: 'http://169.254.169.254/mcp' } });
    expect(await metadata.json()).toMatchObject({ error: { code: 'SSRF_BLOCKED', details: [{ path: 'url' }] } });
    const patched = await stack.api(`/api/v1/mcp-servers/${id}`, { method: 'PATCH', json: { url: 'http://169.254.169.254/mcp' } });
    expect(patched.status).toBe(400);
    expect((await stack.api(`/api/v1/mcp-servers/${id}`).then((r) => r.json())) as { url: string }).not.toMatchObject({ url: 'http://169.254.169.254/mcp' });
  });

  it('runs stdio servers only from the allow-listed commands', async () => {
    const denied = await stack.api('/api/v1/mcp-servers', { method: 'POST', json: { name: 'sh', transport: 'stdio', command: '/bin/sh', args: ['-c', 'id'] } });
    expect(denied.status).toBe(400);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('CONFIG_INVALID');
    const res = await stack.api('/api/v1/mcp-servers', {
      method: 'POST',
      json: { name: 'local', transport: 'stdio', command: process.execPath, args: [stdioScript], headers: { TEAM: 'green' } },
    });
    expect(res.status).toBe(201);
    const sid = ((await res.json()) as { id: string }).id;
    const sync = (await (await stack.api(`/api/v1/mcp-servers/${sid}/sync`, { method: 'POST' })).json()) as { tools: { name: string }[] };
    expect(sync.tools.map((t) => t.name)).toEqual(['whoami']);
    const out = await createMcpActivities(stack.services).mcpCallTool({ serverId: 'local', tool: 'whoami', args: { greeting: 'hello' } });
    expect(out.content).toEqual([{ type: 'text', text: 'hello, green' }]);
    expect((await stack.api(`/api/v1/mcp-servers/${sid}`, { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api(`/api/v1/mcp-servers/${sid}`)).status).toBe(404);
  });
});
