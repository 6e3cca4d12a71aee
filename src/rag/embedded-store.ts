/**
 * The embedded SQL store (SQLite FTS5, PostgreSQL tsvector/pgvector) as a `vectorStore`
 * capability, so RAG service code talks to every store through one interface. The
 * namespace is the index id; it needs no connection.
 */
import { defineVectorStore, type VectorStoreCapability } from '../../connectors/sdk/vector-store.ts';
import { reciprocalRankFusion } from './fuse.ts';
import type { SqlExecutor } from './sql.ts';
import { ChunkStore, type SearchHit } from './store.ts';

/** The embedded store over `db`; keyword search always, fused with vector search when the query carries a vector. */
export function embeddedVectorStore(db: SqlExecutor): VectorStoreCapability {
  const store = new ChunkStore(db);
  return defineVectorStore({
    keyword: true,
    async replaceDocument(_ctx, { namespace, documentId, metadata, points }) {
      await store.replaceDocumentChunks(
        namespace,
        documentId,
        metadata,
        points.map((p, ordinal) => ({ chunkId: p.id, ordinal, text: p.text, embedding: p.vector })),
      );
    },
    async upsert(_ctx, { namespace, points }) {
      // Points of one document replace that document's chunks (the engine upserts per document).
      const byDoc = new Map<string, typeof points>();
      for (const p of points) byDoc.set(p.documentId, [...(byDoc.get(p.documentId) ?? []), p]);
      for (const [documentId, list] of byDoc) {
        await store.replaceDocumentChunks(namespace, documentId, list[0]!.metadata, list.map((p, ordinal) => ({ chunkId: p.id, ordinal, text: p.text, embedding: p.vector })));
      }
    },
    async deleteDocument(_ctx, { namespace, documentId }) {
      await db.run('delete from rag_chunks where index_id = ? and document_id = ?', [namespace, documentId]);
    },
    async query(_ctx, { namespace, vector, text, topK, filter }) {
      const depth = Math.max(topK * 4, 20);
      const keyword = text ? await store.keywordSearch(namespace, text, vector ? depth : topK, filter) : [];
      if (!vector) return keyword.slice(0, topK);
      const semantic: SearchHit[] = await store.vectorSearch(namespace, vector, depth, filter);
      return reciprocalRankFusion([keyword, semantic], topK);
    },
    async deleteNamespace(_ctx, { namespace }) {
      await store.deleteIndex(namespace);
    },
  });
}
