/**
 * Switchboard's own MCP endpoint, driven by the official SDK client the way an agent
 * does: API-key bearer auth, tool listing, starting a durable run and reading its status.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

describe('/mcp', () => {
  let stack: TestStack;
  let client: Client;
  beforeAll(async () => {
    stack = await startTestStack();
    const res = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'kb' } });
    expect(res.status).toBe(201);
    client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TEST_API_KEY}` } } }));
  });
  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const res = await client.callTool({ name, arguments: args });
    expect(res.isError ?? false).toBe(false);
    return res.structuredContent as Record<string, unknown>;
  };

  it('refuses requests without a valid API key', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) };
    const none = await fetch(`${stack.baseUrl}/mcp`, init);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${stack.baseUrl}/mcp`, { ...init, headers: { ...init.headers, authorization: 'Bearer sb_wrong' } });
    expect(wrong.status).toBe(401);
    const anonymous = new Client({ name: 'anon', version: '1' });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`)))).rejects.toThrow();
  });

  it('lists its tools with JSON Schemas', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_rag_indexes', 'query_rag_index', 'ingest_documents', 'get_ingestion']));
    const query = tools.find((t) => t.name === 'query_rag_index')!;
    expect(query.inputSchema.required).toEqual(['index', 'query']);
    expect(query.annotations?.readOnlyHint).toBe(true);
  });

  it('lets an agent start a durable run and read its status', async () => {
    const { ingestionId } = (await call('ingest_documents', {
      index: 'kb',
      documents: [
        { id: 'a', text: 'The on-call rotation changes every Monday at 09:00.' },
        { id: 'b', text: 'Expense reports are due on the fifth working day.' },
      ],
    })) as { ingestionId: string };
    expect(ingestionId).toMatch(/^ingest:/);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 200 && status['status'] !== 'COMPLETED'; i++) {
      status = await call('get_ingestion', { ingestionId });
      if (status['status'] !== 'COMPLETED') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ status: 'COMPLETED', total: 2, indexed: 2, done: true });
    const { results } = (await call('query_rag_index', { index: 'kb', query: 'when does on-call change', topK: 1 })) as { results: { documentId: string }[] };
    expect(results[0]!.documentId).toBe('a');
  });

  it('answers tool errors and invalid arguments as MCP errors, not crashes', async () => {
    const missing = await client.callTool({ name: 'get_ingestion', arguments: { ingestionId: 'ingest:nope:x' } });
    expect(missing.isError).toBe(true);
    const invalid = await client.callTool({ name: 'query_rag_index', arguments: { index: 'kb' } });
    expect(invalid.isError).toBe(true);
  });
});
