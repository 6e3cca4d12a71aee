/**
 * RAG indexes on `vectorStore` connections, on a real stack (Temporal dev server, API,
 * worker, PostgreSQL) against local fakes speaking Qdrant's and Pinecone's REST formats
 * and an OpenAI-compatible embedding/chat server:
 * - ingest → retrieve (with a metadata filter) → re-ingest replaces a document's points
 *   → deleting the index drops the collection/namespace, for qdrant and pinecone;
 * - acceptance (issue 13): one automation `rag_retrieve` (index `kb` on qdrant) → `llm`
 *   (connection `assistant`, a Cohere-format fake) → `mcp_tool` runs end to end; then
 *   `assistant` is re-created as an OpenAI connection and `kb` on the embedded
 *   PostgreSQL store (a re-ingest; this server has no pgvector extension, so the
 *   in-process cosine path answers), and the same automation version runs unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCohere, type CohereChatRequest } from '../support/fakes/cohere.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../support/fakes/mcp-server.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { startFakePinecone, type FakePinecone } from '../support/fakes/pinecone.ts';
import { startFakeQdrant, type FakeQdrant } from '../support/fakes/qdrant.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const DIMENSIONS = 32;
const DOCS = [
  { id: 'disk', text: 'When the disk is full, rotate the logs with logrotate and page the storage team.', metadata: { team: 'storage' } },
  { id: 'dns', text: 'DNS failures: flush the resolver cache and check the upstream forwarders.', metadata: { team: 'network' } },
  { id: 'cert', text: 'An expired TLS certificate is renewed with certbot renew on the edge hosts.', metadata: { team: 'network' } },
];

type QueryResult = { documentId: string; chunkId: string; text: string; score: number; metadata: Record<string, unknown> };

describe('RAG on vectorStore connections (e2e, PostgreSQL)', () => {
  let stack: TestStack;
  let embedder: FakeOpenAi;
  let qdrant: FakeQdrant;
  let pinecone: FakePinecone;
  let mcp: FakeMcpServer;
  let embedding: { connection: string; model: string; dimensions: number };

  const api = async <T,>(path: string, init: { method?: string; json?: unknown } = {}, expected = init.method === 'POST' ? 201 : 200): Promise<T> => {
    const res = await stack.api(path, init);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(expected);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const connection = async (json: unknown) => (await api<{ id: string }>('/api/v1/connections', { method: 'POST', json })).id;
  const ingest = async (index: string, documents: unknown[]) => {
    const { ingestionId } = await api<{ ingestionId: string }>(`/api/v1/rag/indexes/${index}/documents`, { method: 'POST', json: { documents } }, 202);
    const done = await waitFor(async () => {
      const p = await api<{ status: string; indexed: number; failed: unknown[] }>(`/api/v1/rag/ingestions/${encodeURIComponent(ingestionId)}`);
      return p.status === 'COMPLETED' ? p : undefined;
    }, 'the ingestion');
    expect(done.failed).toEqual([]);
    return done;
  };
  const query = async (index: string, body: unknown) => (await api<{ results: QueryResult[] }>(`/api/v1/rag/indexes/${index}/query`, { method: 'POST', json: body }, 200)).results;

  beforeAll(async () => {
    embedder = await startFakeOpenAi({ apiKey: 'sk-embed' });
    qdrant = await startFakeQdrant({ apiKey: 'qdrant-e2e-key' });
    pinecone = await startFakePinecone({ dimension: DIMENSIONS, apiKey: 'pcsk-e2e-key' });
    mcp = await startFakeMcpServer();
    stack = await startTestStack({ dialect: 'postgresql', env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    const embedConn = await connection({ connector: 'openai', name: 'embedder', config: { baseUrl: embedder.baseUrl }, secrets: { apiKey: 'sk-embed' } });
    embedding = { connection: embedConn, model: 'text-embedding-3-small', dimensions: DIMENSIONS };
    await connection({ connector: 'qdrant', name: 'qdrant-main', config: { url: qdrant.url }, secrets: { apiKey: 'qdrant-e2e-key' } });
    await connection({ connector: 'pinecone', name: 'pinecone-main', config: { indexHost: pinecone.url }, secrets: { apiKey: 'pcsk-e2e-key' } });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await Promise.all([embedder?.close(), qdrant?.close(), pinecone?.close(), mcp?.close()]);
  });

  it('GET /connectors lists vectorStore for qdrant and pinecone; an index refuses a store that is not one, or vectors-only without an embedding', async () => {
    const { items } = await api<{ items: { key: string; capabilities: string[] }[] }>('/api/v1/connectors');
    expect(items.find((c) => c.key === 'qdrant')?.capabilities).toEqual(['vectorStore']);
    expect(items.find((c) => c.key === 'pinecone')?.capabilities).toEqual(['vectorStore']);
    expect(items.find((c) => c.key === 'openai')?.capabilities).not.toContain('vectorStore');

    const notAStore = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'bad-store', embedding, store: { connection: 'embedder' } } });
    expect(notAStore.status).toBe(400);
    expect(await notAStore.json()).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
    const noEmbedding = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'no-embedding', store: { connection: 'qdrant-main' } } });
    expect(noEmbedding.status).toBe(400);
    expect(((await noEmbedding.json()) as { error: { message: string } }).error.message).toMatch(/give the index an embedding/);
    const badNamespace = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'bad-ns', embedding, store: { connection: 'qdrant-main', namespace: 'a/b' } } });
    expect(badNamespace.status).toBe(400);
  });

  it('qdrant: ingest creates the collection and one point per chunk; retrieval filters on metadata; re-ingest replaces points; delete drops the collection', async () => {
    const { id } = await api<{ id: string }>('/api/v1/rag/indexes', { method: 'POST', json: { name: 'runbooks-qdrant', embedding, store: { connection: 'qdrant-main', namespace: 'runbooks' } } });
    const index = await api<{ store: { connection: string; namespace: string } }>(`/api/v1/rag/indexes/${id}`);
    expect(index.store).toEqual({ connection: expect.stringMatching(/^conn_/), namespace: 'runbooks' });
    await ingest(id, DOCS);

    const collection = qdrant.state.collections.get('runbooks')!;
    expect(collection.size).toBe(DIMENSIONS);
    expect(collection.points.size).toBe(3);
    const payloads = [...collection.points.values()].map((p) => p.payload);
    expect(payloads).toContainEqual({ chunkId: expect.stringMatching(/^chk_/), documentId: 'disk', text: DOCS[0]!.text, metadata: { team: 'storage' } });
    for (const key of collection.points.keys()) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Nothing of the chunks went to the embedded store.
    expect(Number((await stack.db.query(`select count(*) as n from rag_chunks where index_id = '${id}'`))[0]!['n'])).toBe(0);

    const [top] = await query(id, { query: 'the disk is full', topK: 1 });
    expect(top).toMatchObject({ documentId: 'disk', text: DOCS[0]!.text, metadata: { team: 'storage' }, chunkId: expect.stringMatching(/^chk_/) });
    const network = await query(id, { query: 'the disk is full', topK: 3, filter: { team: 'network' } });
    expect(network.map((r) => r.documentId).sort()).toEqual(['cert', 'dns']);
    const search = qdrant.requests().filter((r) => r.url === '/collections/runbooks/points/query').at(-1)!;
    expect(search.headers['api-key']).toBe('qdrant-e2e-key');
    expect((search.json as { filter: unknown }).filter).toEqual({ must: [{ key: 'metadata.team', match: { value: 'network' } }] });

    await ingest(id, [{ id: 'disk', text: 'Full disks: expand the volume online.', metadata: { team: 'storage' } }]);
    expect(collection.points.size).toBe(3);
    expect([...collection.points.values()].filter((p) => p.payload['documentId'] === 'disk').map((p) => p.payload['text'])).toEqual(['Full disks: expand the volume online.']);

    await api(`/api/v1/rag/indexes/${id}`, { method: 'DELETE' }, 204);
    expect(qdrant.state.collections.has('runbooks')).toBe(false);
  });

  it('pinecone: vectors `<documentId>#<chunkId>` with flat metadata; re-ingest deletes by listed ids (paginated), never by filter; delete drops the namespace', async () => {
    const { id } = await api<{ id: string }>('/api/v1/rag/indexes', {
      method: 'POST',
      json: { name: 'runbooks-pinecone', embedding, chunking: { size: 100, overlap: 0 }, store: { connection: 'pinecone-main' } },
    });
    const long = { id: 'long', text: 'Alpha paragraph about backups and restores. '.repeat(8), metadata: { team: 'storage', tags: ['ops'] } };
    await ingest(id, [...DOCS, long]);
    const ns = pinecone.state.namespaces.get(`switchboard_${id}`)!;
    const longIds = [...ns.keys()].filter((k) => k.startsWith('long#'));
    expect(longIds.length).toBeGreaterThan(2);
    expect(ns.get(longIds[0]!)!.metadata).toMatchObject({ team: 'storage', tags: ['ops'], sb_document_id: 'long', sb_text: expect.any(String) });

    const [top] = await query(id, { query: 'DNS failures resolver', topK: 1, filter: { team: 'network' } });
    expect(top).toMatchObject({ documentId: 'dns', text: DOCS[1]!.text, metadata: { team: 'network' } });
    const q = pinecone.requests().filter((r) => r.url === '/query').at(-1)!;
    expect(q.headers['x-pinecone-api-version']).toBe('2025-04');
    expect((q.json as { filter: unknown }).filter).toEqual({ team: { $eq: 'network' } });

    await ingest(id, [{ id: 'long', text: 'Short now.', metadata: { team: 'storage' } }]);
    expect([...ns.keys()].filter((k) => k.startsWith('long#'))).toHaveLength(1);
    const lists = pinecone.requests().filter((r) => r.url.startsWith('/vectors/list') && r.url.includes('prefix=long%23'));
    expect(lists.some((r) => r.url.includes('paginationToken='))).toBe(true);
    expect(pinecone.requests().filter((r) => r.url === '/vectors/delete').every((r) => !(r.json as Record<string, unknown>)['filter'])).toBe(true);

    await api(`/api/v1/rag/indexes/${id}`, { method: 'DELETE' }, 204);
    expect(pinecone.state.namespaces.has(`switchboard_${id}`)).toBe(false);
  });

  it('acceptance: rag_retrieve (qdrant) → llm (Cohere) → mcp_tool, then the same automation version unchanged on PostgreSQL + OpenAI after re-creating `kb` and `assistant`', async () => {
    const server = await api<{ id: string }>('/api/v1/mcp-servers', { method: 'POST', json: { name: 'tools', url: mcp.url, transport: 'streamable-http' } });
    expect((await stack.api(`/api/v1/mcp-servers/${server.id}/sync`, { method: 'POST' })).status).toBe(200);
    const cohere = await startFakeCohere({ apiKey: 'co-accept-key' });
    cohere.defaultReply = () => ({ text: 'Rotate the logs (Cohere).' });
    const openai = await startFakeOpenAi({ apiKey: 'sk-accept' });
    openai.defaultReply = () => ({ content: 'Rotate the logs (OpenAI).', usage: { prompt_tokens: 50, completion_tokens: 5 } });
    const cohereChats = () => cohere.requests.filter((r) => r.path === '/v2/chat').map((r) => JSON.stringify((r.body as unknown as CohereChatRequest).messages));
    const openAiChats = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => JSON.stringify((r.body as { messages: unknown }).messages));
    try {
      const assistantA = await connection({ connector: 'cohere', name: 'assistant', config: { baseUrl: cohere.url, model: 'command-a-03-2025' }, secrets: { apiKey: 'co-accept-key' } });
      const kb = await api<{ id: string }>('/api/v1/rag/indexes', { method: 'POST', json: { name: 'kb', embedding, store: { connection: 'qdrant-main' } } });
      await ingest(kb.id, DOCS);

      // Names only: the index, the llm connection and the MCP server.
      const automation = await createAutomation(stack, {
        name: 'answer and record',
        trigger: { type: 'manual' },
        input: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
        steps: [
          { id: 'retrieve', type: 'rag_retrieve', index: 'kb', query: '{{ input.question }}', topK: 1 },
          { id: 'answer', type: 'llm', connection: 'assistant', prompt: 'Context: {{ $join(steps.retrieve.output.results.text, " ") }}\nQuestion: {{ input.question }}', maxTokens: 50 },
          { id: 'record', type: 'mcp_tool', server: 'tools', tool: 'echo', args: { text: '{{ steps.answer.output.text }}' } },
        ],
      });
      const runOnce = async (key: string) => {
        const { body } = await startRun(stack, automation.id, { question: 'The disk is full, what now?' }, key);
        const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the run', 60_000);
        expect(run.status, JSON.stringify(run.steps)).toBe('completed');
        expect(run.version).toBe(automation.version);
        return run;
      };

      // Phase A: qdrant + Cohere.
      const qdrantQueries = () => qdrant.requests().filter((r) => r.url === `/collections/switchboard_${kb.id}/points/query`).length;
      const a = await runOnce('phase-a');
      expect((a.result!.outputs['retrieve'] as { results: QueryResult[] }).results[0]).toMatchObject({ documentId: 'disk' });
      expect(qdrantQueries()).toBe(1);
      expect(cohereChats()).toHaveLength(1);
      expect(cohereChats()[0]).toContain('rotate the logs with logrotate');
      expect(a.result!.outputs['answer']).toMatchObject({ text: 'Rotate the logs (Cohere).' });
      expect(mcp.calls.at(-1)).toEqual({ tool: 'echo', args: { text: 'Rotate the logs (Cohere).' } });
      expect(openAiChats()).toHaveLength(0);

      // Swap: `assistant` becomes an OpenAI connection, `kb` moves to the embedded store.
      await api(`/api/v1/connections/${assistantA}`, { method: 'DELETE' }, 204);
      const assistantB = await connection({ connector: 'openai', name: 'assistant', config: { baseUrl: openai.baseUrl, model: 'fake-1' }, secrets: { apiKey: 'sk-accept' } });
      expect(assistantB).not.toBe(assistantA);
      await api(`/api/v1/rag/indexes/${kb.id}`, { method: 'DELETE' }, 204);
      expect(qdrant.state.collections.has(`switchboard_${kb.id}`)).toBe(false);
      const moved = await api<{ id: string; store: unknown }>('/api/v1/rag/indexes', { method: 'POST', json: { name: 'kb', embedding } });
      await ingest(moved.id, DOCS);
      // Stored in PostgreSQL with their embeddings (this server has no pgvector extension: retrieval is the in-process cosine).
      const stored = await stack.db.query(`select count(*) as n from rag_chunks where index_id = '${moved.id}' and embedding is not null`);
      expect(Number(stored[0]!['n'])).toBe(3);

      // Phase B: the same automation, same version, no edit.
      const current = await api<{ version: number }>(`/api/v1/automations/${automation.id}`);
      expect(current.version).toBe(automation.version);
      const qdrantCallsBefore = qdrant.requests().length;
      const b = await runOnce('phase-b');
      expect((b.result!.outputs['retrieve'] as { results: QueryResult[] }).results[0]).toMatchObject({ documentId: 'disk', text: DOCS[0]!.text });
      expect(qdrant.requests().length).toBe(qdrantCallsBefore);
      expect(openAiChats()).toHaveLength(1);
      expect(openAiChats()[0]).toContain('rotate the logs with logrotate');
      expect(cohereChats()).toHaveLength(1);
      expect(b.result!.outputs['answer']).toMatchObject({ text: 'Rotate the logs (OpenAI).' });
      expect(mcp.calls.at(-1)).toEqual({ tool: 'echo', args: { text: 'Rotate the logs (OpenAI).' } });
    } finally {
      await cohere.close();
      await openai.close();
    }
  });
});
