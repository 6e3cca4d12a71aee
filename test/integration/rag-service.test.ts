/**
 * RAG ingestion and retrieval below the workflow: batch retries after a crash,
 * superseded ingestions, URL documents (HTML, size limit, errors) and the hybrid path
 * with embeddings from a local OpenAI-compatible server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import { ConnectorRegistry } from '../../connectors/registry.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { embeddingProblem } from '../../src/ai/embeddings.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { sealSecrets } from '../../src/connections/store.ts';
import { Connection, RagDocument } from '../../src/db/entities/index.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { createIndex, ingestDocuments, queryIndex, stageDocuments, type RagDeps } from '../../src/rag/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createTestOrm, DIALECTS } from '../support/db.ts';
import { startFakeCohere, type FakeCohere } from '../support/fakes/cohere.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

const keyring = keyringFromText(TEST_MASTER_KEY);
const config = loadConfig({ SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
const connectors = new ConnectorRegistry(BUILTIN_CONNECTORS);

describe.each(DIALECTS)('RAG service on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestOrm>>;
  let deps: RagDeps;
  let docs: Server;
  let docsUrl: string;
  let fake: FakeOpenAi;
  let cohere: FakeCohere;
  beforeAll(async () => {
    t = await createTestOrm(dialect);
    deps = { orm: t.orm, keyring, connectors, outbound: createOutbound(config.ssrfAllow) };
    docs = createServer((req, res) => {
      if (req.url === '/page.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><body><nav>menu</nav><h1>Glacier report</h1><p>The <b>Perito Moreno</b> glacier advances two metres a day.</p><script>var secret=1</script></body></html>');
      } else if (req.url === '/big.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(6 * 1024 * 1024));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
    fake = await startFakeOpenAi({ apiKey: 'sk-test-123' });
    cohere = await startFakeCohere({ apiKey: 'co-test-key-456' });
  });
  afterAll(async () => {
    await fake?.close();
    await cohere?.close();
    docs?.closeAllConnections();
    await new Promise((r) => docs?.close(r));
    await t?.close();
  });

  const text = (n: number) => `Document number ${n} talks about topic${n} in detail. `.repeat(n + 1);

  it('retrying a batch after a crash half-way neither duplicates nor loses chunks', async () => {
    const em = t.orm.em.fork();
    const index = await createIndex(em, { name: `retry-${dialect}`, chunking: { size: 120, overlap: 20 } });
    const batch = [0, 1, 2, 3, 4].map((n) => ({ id: `d${n}`, text: text(n) }));
    await stageDocuments(em, index.id, batch, 'ingest:A');
    // The first attempt dies after two documents.
    await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:A', documentIds: ['d0', 'd1'] });
    const retry = await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:A', documentIds: batch.map((d) => d.id) });
    expect(retry.processed).toBe(5);
    const rows = await t.db.query(`select document_id, count(*) as n, count(distinct ordinal) as o from rag_chunks group by document_id order by document_id`);
    const byDoc = Object.fromEntries(rows.map((r) => [r['document_id'], Number(r['n'])]));
    expect(rows.every((r) => Number(r['n']) === Number(r['o']))).toBe(true);
    expect(byDoc['d0']).toBe(1);
    expect(byDoc['d4']).toBeGreaterThan(byDoc['d1']!);
    expect(retry.chunks).toBe((Object.values(byDoc) as number[]).reduce((a, b) => a + b, 0));

    // A newer ingestion takes d2 over; the old one, if it ran again, leaves it alone.
    await stageDocuments(t.orm.em.fork(), index.id, [{ id: 'd2', text: 'Completely new words: aubergine.' }], 'ingest:B');
    const stale = await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:A', documentIds: ['d2'] });
    expect(stale).toMatchObject({ processed: 0, skipped: 1 });
    await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:B', documentIds: ['d2'] });
    const hits = await queryIndex(deps, index, { query: 'aubergine', topK: 5 });
    expect(hits.map((h) => h.documentId)).toEqual(['d2']);
    expect(await queryIndex(deps, index, { query: 'topic2', topK: 5 })).toEqual([]);
  });

  it('fetches URL documents through the outbound fetch: HTML to text, size limit, HTTP errors', async () => {
    const em = t.orm.em.fork();
    const index = await createIndex(em, { name: `urls-${dialect}` });
    await stageDocuments(
      em,
      index.id,
      [
        { id: 'page', url: `${docsUrl}/page.html`, metadata: { kind: 'web' } },
        { id: 'big', url: `${docsUrl}/big.txt` },
        { id: 'gone', url: `${docsUrl}/missing` },
      ],
      'ingest:U',
    );
    const r = await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:U', documentIds: ['page', 'big', 'gone'] });
    expect(r.processed).toBe(1);
    expect(r.failed.map((f) => f.documentId).sort()).toEqual(['big', 'gone']);
    expect(r.failed.find((f) => f.documentId === 'big')!.error).toMatch(/exceeds 5242880 bytes|larger than/);
    const [hit] = await queryIndex(deps, index, { query: 'glacier advances', topK: 1 });
    expect(hit).toMatchObject({ documentId: 'page', metadata: { kind: 'web' } });
    expect(hit!.text).toContain('Perito Moreno glacier advances two metres a day.');
    expect(hit!.text).not.toMatch(/secret|menu/);
    const failed = await t.orm.em.fork().findOneOrFail(RagDocument, { indexId: index.id, documentId: 'gone' });
    expect(failed.status).toBe('failed');
  });

  it('embeds with an openai connection and fuses keyword and vector results', async () => {
    const em = t.orm.em.fork();
    const conn = em.create(Connection, {
      id: `conn_emb_${dialect}`,
      connector: 'openai',
      name: 'local embeddings',
      config: { baseUrl: fake.baseUrl },
      ...sealSecrets(keyring, `conn_emb_${dialect}`, { apiKey: 'sk-test-123' }),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await em.flush();
    const index = await createIndex(em, { name: `hybrid-${dialect}`, embedding: { connection: conn.id, model: 'text-embedding-3-small', dimensions: 32 } });
    const corpus = [
      { id: 'cats', text: 'Cats purr and chase mice around the barn.' },
      { id: 'dogs', text: 'Dogs bark at the mail carrier every morning.' },
      { id: 'fish', text: 'Fish swim in the pond behind the barn.' },
    ];
    await stageDocuments(em, index.id, corpus, 'ingest:E');
    const before = fake.requests.length;
    await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:E', documentIds: corpus.map((d) => d.id) });
    const calls = fake.requests.slice(before);
    expect(calls.every((c) => c.path === '/v1/embeddings' && c.headers.authorization === 'Bearer sk-test-123')).toBe(true);
    expect(calls[0]!.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 32 });
    const [row] = await t.db.query(`select embedding from rag_chunks where document_id = 'cats' and index_id = '${index.id}'`);
    expect((JSON.parse(String(row!['embedding'])) as number[]).length).toBe(32);

    const hits = await queryIndex(deps, index, { query: 'mice chase cats', topK: 3 });
    expect(hits[0]!.documentId).toBe('cats');
    // RRF scores: one list contributes at most 1/61.
    expect(hits[0]!.score).toBeGreaterThan(1 / 61);

    // A wrong key: AUTH_FAILED, not retryable.
    await em.nativeUpdate(Connection, { id: conn.id }, sealSecrets(keyring, conn.id, { apiKey: 'sk-wrong' }));
    const err = await queryIndex(deps, index, { query: 'cats', topK: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('AUTH_FAILED');
    expect((err as ConnectorError).retryable).toBe(false);
  });
  it('embeds with a cohere connection: search_document for chunks, search_query for queries, in batches of 96', async () => {
    const em = t.orm.em.fork();
    const conn = em.create(Connection, {
      id: `conn_cohere_${dialect}`,
      connector: 'cohere',
      name: 'cohere embeddings',
      config: { baseUrl: cohere.url },
      ...sealSecrets(keyring, `conn_cohere_${dialect}`, { apiKey: 'co-test-key-456' }),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await em.flush();
    const embedding = { connection: conn.id, model: 'embed-v4.0', dimensions: 256 };
    // Index creation checks the capability and the model's sizes.
    expect(embeddingProblem(deps, 'cohere', embedding)).toBeUndefined();
    expect(embeddingProblem(deps, 'cohere', { ...embedding, model: 'embed-english-v3.0' })).toMatch(/produces 1024 dimensions, not 256/);
    expect(embeddingProblem(deps, 'slack', embedding)).toMatch(/provides embeddings \(cohere, openai\)/);
    const index = await createIndex(em, { name: `cohere-${dialect}`, embedding, chunking: { size: 100, overlap: 0 } });
    const corpus = Array.from({ length: 3 }, (_, n) => ({ id: `n${n}`, text: `Note ${n} about topic${n}.` }));
    corpus.push({ id: 'owls', text: 'Owls hunt mice at night in the barn.' });
    await stageDocuments(em, index.id, corpus, 'ingest:C');
    const before = cohere.requests.length;
    const done = await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:C', documentIds: corpus.map((d) => d.id) });
    expect(done.processed).toBe(4);
    const calls = cohere.requests.slice(before);
    expect(calls.length).toBe(4); // one embed call per document (one chunk each)
    expect(calls.every((c) => c.path === '/v2/embed' && c.headers.authorization === 'Bearer co-test-key-456')).toBe(true);
    expect(calls[0]!.body).toEqual({ model: 'embed-v4.0', texts: ['Note 0 about topic0.'], input_type: 'search_document', embedding_types: ['float'], output_dimension: 256 });
    const [row] = await t.db.query(`select embedding from rag_chunks where document_id = 'owls' and index_id = '${index.id}'`);
    expect((JSON.parse(String(row!['embedding'])) as number[]).length).toBe(256);

    const q0 = cohere.requests.length;
    const hits = await queryIndex(deps, index, { query: 'owls hunt mice', topK: 3 });
    expect(hits[0]!.documentId).toBe('owls');
    expect(cohere.requests.slice(q0).map((c) => c.body['input_type'])).toEqual(['search_query']);

    // More texts than one call may carry: split into batches of 96.
    const b0 = cohere.requests.length;
    const { embedTexts } = await import('../../src/ai/embeddings.ts');
    const vectors = await embedTexts(deps, t.orm.em.fork(), embedding, Array.from({ length: 200 }, (_, i) => `text ${i}`));
    expect(vectors).toHaveLength(200);
    expect(cohere.requests.slice(b0).map((c) => (c.body['texts'] as string[]).length)).toEqual([96, 96, 8]);

    // Cohere's 401: AUTH_FAILED, not retryable, and the key is not in the message.
    await em.nativeUpdate(Connection, { id: conn.id }, sealSecrets(keyring, conn.id, { apiKey: 'co-wrong-key-789' }));
    const err = await queryIndex(deps, index, { query: 'owls', topK: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('AUTH_FAILED');
    expect((err as ConnectorError).retryable).toBe(false);
    expect((err as ConnectorError).message).toMatch(/invalid api token/);
    expect((err as ConnectorError).message).not.toContain('co-wrong-key-789');
  });
});

describe('RAG URL documents and the SSRF guard', () => {
  it('refuses private addresses unless SWITCHBOARD_SSRF_ALLOW admits them', async () => {
    const t = await createTestOrm('sqlite');
    try {
      const closed = loadConfig({});
      const deps: RagDeps = { orm: t.orm, keyring, connectors, outbound: createOutbound(closed.ssrfAllow) };
      const em = t.orm.em.fork();
      const index = await createIndex(em, { name: 'ssrf' });
      await stageDocuments(em, index.id, [{ id: 'meta', url: 'http://169.254.169.254/latest/meta-data' }, { id: 'local', url: 'http://127.0.0.1:1/x' }], 'ingest:S');
      const r = await ingestDocuments(deps, { indexId: index.id, ingestionId: 'ingest:S', documentIds: ['meta', 'local'] });
      expect(r.processed).toBe(0);
      expect(r.failed).toHaveLength(2);
      for (const f of r.failed) expect(f.error).toMatch(/SSRF guard/);
    } finally {
      await t.close();
    }
  });
});
