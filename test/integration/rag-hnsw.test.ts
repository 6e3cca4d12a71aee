/**
 * Retrieval that scales: on PostgreSQL with pgvector (PGlite bundles it) a vector search of
 * an indexed dimension runs through the HNSW index the migration creates (the query plan
 * says so) and finds the same nearest chunks as an exact scan; other dimensions still work.
 * Without pgvector the store warns once when an index outgrows in-process scoring.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormSqlExecutor, type SqlExecutor } from '../../src/rag/sql.ts';
import { ChunkStore, HNSW_DIMENSIONS, type NewChunk } from '../../src/rag/store.ts';
import { createTestOrm } from '../support/db.ts';
import { fakeEmbedding } from '../support/fakes/openai.ts';
import { startPglite } from '../support/pglite.ts';

const chunks = (doc: string, n: number, dims: number): NewChunk[] =>
  Array.from({ length: n }, (_, i) => ({ chunkId: `chk_${doc}_${i}`, ordinal: i, text: `${doc} chunk ${i}`, embedding: fakeEmbedding(`${doc} chunk ${i}`, dims) }));

describe('vector search on pgvector (PGlite)', () => {
  let ctx: Awaited<ReturnType<typeof startPglite>>;
  let store: ChunkStore;
  const issued: { sql: string; params: readonly unknown[] }[] = [];

  beforeAll(async () => {
    ctx = await startPglite();
    // The store's SQL, recorded so the test can ask PostgreSQL for the plan of the real query.
    const spy: SqlExecutor = {
      ...ctx.sql,
      all: (sql, params = []) => (issued.push({ sql, params }), ctx.sql.all(sql, params)),
      transaction: (fn) => ctx.sql.transaction(fn),
    };
    store = new ChunkStore(spy);
    for (let d = 0; d < 4; d++) await store.replaceDocumentChunks('big', `doc${d}`, {}, chunks(`doc${d}`, 100, 384));
    await store.replaceDocumentChunks('small', 'tiny', {}, chunks('tiny', 5, 3));
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('has an HNSW index with cosine ops per common dimension', async () => {
    const rows = (await ctx.db.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where tablename = 'rag_chunks_search' and indexdef like '%hnsw%'`)).rows;
    expect(rows.map((r) => r.indexname).sort()).toEqual(HNSW_DIMENSIONS.map((d) => `rag_chunks_search_hnsw_${d}`).sort());
    for (const r of rows) expect(r.indexdef).toContain('vector_cosine_ops');
  });

  it('searches an indexed dimension through its HNSW index, with the exact nearest chunks', async () => {
    const query = fakeEmbedding('doc2 chunk 17', 384);
    issued.length = 0;
    const hits = await store.vectorSearch('big', query, 5);
    expect(hits[0]).toMatchObject({ chunkId: 'chk_doc2_17' });
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    const search = issued.find((q) => q.sql.includes('<=>'))!;
    // A few hundred rows, all of one index: fresh statistics, and no sequential scan, so the plan shows whether the HNSW index serves the query.
    await ctx.db.exec('analyze rag_chunks; analyze rag_chunks_search; set enable_seqscan = off');
    const plan = (await ctx.db.query<{ 'QUERY PLAN': string }>(`explain ${search.sql.replace(/\?/g, (_, i: number) => `$${search.sql.slice(0, i).split('?').length}`)}`, [...search.params])).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    await ctx.db.exec('reset enable_seqscan');
    expect(plan, plan).toMatch(/Index Scan using rag_chunks_search_hnsw_384/);
    // The exact answer (a full scan) agrees, up to ties in distance.
    const exact = (await ctx.db.query<{ similarity: number }>(
      `select 1 - (s.embedding_vec <=> $1::vector) as similarity from rag_chunks c join rag_chunks_search s on s.id = c.id where c.index_id = 'big' order by s.embedding_vec <=> $1::vector limit 5`,
      [JSON.stringify(query)],
    )).rows.map((r) => Number(r.similarity));
    expect(hits.map((h) => h.score.toFixed(5))).toEqual(exact.map((x) => x.toFixed(5)));
  });

  it('still searches a dimension without an index (exact scan)', async () => {
    const hits = await store.vectorSearch('small', fakeEmbedding('tiny chunk 3', 3), 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThan(0.99);
  });
});

describe('vector search without pgvector (SQLite)', () => {
  it('warns once when an index outgrows in-process scoring, and still answers', async () => {
    const t = await createTestOrm('sqlite');
    try {
      const warnings: string[] = [];
      const store = new ChunkStore(ormSqlExecutor(t.orm), { warn: (m) => warnings.push(m), inProcessScoringLimit: 20 });
      await store.replaceDocumentChunks('grown', 'doc', {}, chunks('doc', 25, 16));
      expect(await store.vectorSearch('grown', fakeEmbedding('doc chunk 4', 16), 3)).toHaveLength(3);
      await store.vectorSearch('grown', fakeEmbedding('doc chunk 5', 16), 3);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/RAG index grown has 25 embedded chunks.*pgvector/);
    } finally {
      await t.close();
    }
  });
});
