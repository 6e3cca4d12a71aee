import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/orm.ts';
import { chunkIdOf } from '../../src/rag/chunk.ts';
import { ormSqlExecutor, type SqlExecutor } from '../../src/rag/sql.ts';
import { ChunkStore, type NewChunk } from '../../src/rag/store.ts';
import { createTestOrm, DIALECTS } from '../support/db.ts';
import { fakeEmbedding } from '../support/fakes/openai.ts';
import { startPglite } from '../support/pglite.ts';

const DIMS = 64;
const chunk = (doc: string, ordinal: number, text: string, withVector = true): NewChunk => ({
  chunkId: chunkIdOf('idx', doc, ordinal, text),
  ordinal,
  text,
  ...(withVector ? { embedding: fakeEmbedding(text, DIMS) } : {}),
});

/** Behaviour every SQL back end of the chunk store must show. */
function storeContract(name: string, open: () => Promise<{ sql: SqlExecutor; close(): Promise<void> }>, expectPgvector: boolean) {
  describe(`chunk store on ${name}`, () => {
    let ctx: { sql: SqlExecutor; close(): Promise<void> };
    let store: ChunkStore;
    beforeAll(async () => {
      ctx = await open();
      store = new ChunkStore(ctx.sql);
      await store.replaceDocumentChunks('idx', 'apollo', { team: 'space', year: 1969, live: true }, [
        chunk('apollo', 0, 'The Apollo program landed astronauts on the Moon'),
        chunk('apollo', 1, 'Saturn V rockets launched the Apollo missions from Florida'),
      ]);
      await store.replaceDocumentChunks('idx', 'bread', { team: 'kitchen', year: 2020, live: false }, [
        chunk('bread', 0, 'Sourdough bread needs a starter, flour, water and salt'),
      ]);
      await store.replaceDocumentChunks('other', 'moon', { team: 'space' }, [{ chunkId: 'chk_other', ordinal: 0, text: 'Moon Moon Moon astronauts' }]);
    });
    afterAll(async () => {
      await ctx?.close();
    });

    it(`reports pgvector = ${expectPgvector}`, async () => {
      expect(await store.hasPgvector()).toBe(expectPgvector);
    });

    it('ranks keyword matches within one index (stemmed), best first', async () => {
      const hits = await store.keywordSearch('idx', 'astronaut moon landing', 5);
      expect(hits.map((h) => h.documentId)).toEqual(['apollo']);
      expect(hits[0]!.chunkId).toBe(chunkIdOf('idx', 'apollo', 0, 'The Apollo program landed astronauts on the Moon'));
      expect(hits[0]!.score).toBeGreaterThan(0);
      expect(hits[0]!.metadata).toEqual({ team: 'space', year: 1969, live: true });
      const two = await store.keywordSearch('idx', 'Apollo bread', 5);
      expect(new Set(two.map((h) => h.documentId))).toEqual(new Set(['apollo', 'bread']));
      expect(await store.keywordSearch('idx', '"zebra" (OR) NEAR*', 5)).toEqual([]);
    });

    it('filters on metadata (strings, numbers, booleans)', async () => {
      expect((await store.keywordSearch('idx', 'Apollo bread', 5, { team: 'kitchen' })).map((h) => h.documentId)).toEqual(['bread']);
      expect((await store.keywordSearch('idx', 'Apollo bread', 5, { year: 1969 })).map((h) => h.documentId)).toEqual(['apollo', 'apollo']);
      expect((await store.keywordSearch('idx', 'Apollo bread', 5, { live: false })).map((h) => h.documentId)).toEqual(['bread']);
      expect(await store.keywordSearch('idx', 'Apollo', 5, { team: 'nobody' })).toEqual([]);
    });

    it('finds nearest chunks by embedding', async () => {
      const hits = await store.vectorSearch('idx', fakeEmbedding('sourdough starter flour', DIMS), 2);
      expect(hits[0]!.documentId).toBe('bread');
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[0]!.score).toBeLessThanOrEqual(1.0001);
      expect((await store.vectorSearch('idx', fakeEmbedding('sourdough', DIMS), 5, { team: 'space' })).every((h) => h.documentId === 'apollo')).toBe(true);
    });

    it('replaces a document’s chunks, also when repeated (no duplicates)', async () => {
      const next = [chunk('apollo', 0, 'Apollo 11 was the first crewed landing'), chunk('apollo', 1, 'Apollo 13 returned safely'), chunk('apollo', 2, 'Apollo 17 was the last')];
      await store.replaceDocumentChunks('idx', 'apollo', { team: 'space' }, next);
      await store.replaceDocumentChunks('idx', 'apollo', { team: 'space' }, next);
      expect(await store.countChunks('idx', 'apollo')).toBe(3);
      expect(await store.countChunks('idx')).toBe(4);
      expect(await store.keywordSearch('idx', 'Saturn rockets', 5)).toEqual([]);
      expect((await store.keywordSearch('idx', 'crewed', 5))[0]!.chunkId).toBe(next[0]!.chunkId);
    });

    it('rolls back a failed replacement, keeping the old chunks', async () => {
      const dup = chunk('bread', 0, 'Rye bread');
      await expect(store.replaceDocumentChunks('idx', 'bread', {}, [dup, dup])).rejects.toThrow();
      expect(await store.countChunks('idx', 'bread')).toBe(1);
      expect((await store.keywordSearch('idx', 'sourdough', 5)).map((h) => h.documentId)).toEqual(['bread']);
    });

    it('deletes an index’s chunks (and their full-text entries)', async () => {
      await store.deleteIndex('idx');
      expect(await store.countChunks('idx')).toBe(0);
      expect(await store.keywordSearch('idx', 'Apollo', 5)).toEqual([]);
      expect(await store.countChunks('other')).toBe(1);
      expect((await store.keywordSearch('other', 'astronauts', 5)).map((h) => h.chunkId)).toEqual(['chk_other']);
    });
  });
}

for (const dialect of DIALECTS) {
  storeContract(
    dialect,
    async () => {
      const t = await createTestOrm(dialect);
      return { sql: ormSqlExecutor(t.orm), close: t.close };
    },
    false, // the local PostgreSQL has no pgvector: embeddings are scored in-process
  );
}
storeContract('PGlite with pgvector', startPglite, true);

describe.each(DIALECTS)('RAG search schema on %s', (dialect) => {
  it('has the full-text structures, and regenerating migrations would not drop them', async () => {
    const t = await createTestOrm(dialect);
    try {
      if (dialect === 'sqlite') {
        const rows = await t.db.query(`select name from sqlite_master where name like 'rag_chunks_fts%' and type in ('table', 'trigger')`);
        expect(rows.map((r) => r['name'])).toEqual(expect.arrayContaining(['rag_chunks_fts', 'rag_chunks_fts_ai', 'rag_chunks_fts_ad', 'rag_chunks_fts_au']));
      } else {
        const rows = await t.db.query(`select column_name from information_schema.columns where table_name = 'rag_chunks_search'`);
        expect(rows.map((r) => r['column_name'])).toEqual(expect.arrayContaining(['id', 'tsv']));
      }
      const diff = await t.orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff).not.toMatch(/rag_chunks_(fts|search)|tsv|embedding_vec/);
      expect(await migrate(t.orm)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
