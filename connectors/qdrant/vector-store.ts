/** Qdrant as a `vectorStore`: one collection per index (cosine distance), one point per chunk. */
import { ConnectorError, defineVectorStore } from '../sdk/index.ts';
import { collectionPath, expectOk, pointIdOf, qdrantFilter, qdrantRequest, queryPoints, toHit } from './client.ts';
import type { QdrantConfig, QdrantSecrets } from './schemas.ts';

const UPSERT_BATCH = 128;

export const qdrantVectorStore = defineVectorStore<QdrantConfig, QdrantSecrets>({
  keyword: false,
  async ensureNamespace(ctx, { namespace, dimensions }) {
    const existing = await qdrantRequest(ctx, { method: 'GET', path: collectionPath(namespace), allowErrorStatus: true });
    if (existing.status === 200) return;
    if (existing.status !== 404) expectOk(existing, 'collection lookup');
    if (!dimensions) throw new ConnectorError('CONFIG_INVALID', 'a Qdrant collection needs the index embedding dimensions');
    const created = await qdrantRequest(ctx, { method: 'PUT', path: collectionPath(namespace), body: { vectors: { size: dimensions, distance: 'Cosine' } }, allowErrorStatus: true });
    // 409: created meanwhile by a concurrent ingestion.
    if (created.status !== 409) expectOk(created, 'collection creation');
  },
  async upsert(ctx, { namespace, points }) {
    for (let i = 0; i < points.length; i += UPSERT_BATCH) {
      const batch = points.slice(i, i + UPSERT_BATCH).map((p) => {
        if (!p.vector) throw new ConnectorError('CONFIG_INVALID', 'Qdrant stores vectors: give the index an embedding');
        return { id: pointIdOf(p.id), vector: p.vector, payload: { chunkId: p.id, documentId: p.documentId, text: p.text, metadata: p.metadata } };
      });
      await qdrantRequest(ctx, { method: 'PUT', path: `${collectionPath(namespace)}/points`, query: { wait: true }, body: { points: batch } });
    }
  },
  async deleteDocument(ctx, { namespace, documentId }) {
    const res = await qdrantRequest(ctx, {
      method: 'POST',
      path: `${collectionPath(namespace)}/points/delete`,
      query: { wait: true },
      body: { filter: qdrantFilter(undefined, [{ key: 'documentId', value: documentId }]) },
      allowErrorStatus: true,
    });
    // No collection yet: nothing to delete.
    if (res.status === 404) return;
    expectOk(res, 'points delete');
  },
  async query(ctx, { namespace, vector, topK, filter }) {
    if (!vector) throw new ConnectorError('CONFIG_INVALID', 'Qdrant searches vectors: give the index an embedding');
    return (await queryPoints(ctx, namespace, vector, topK, qdrantFilter(filter))).map(toHit);
  },
  async deleteNamespace(ctx, { namespace }) {
    const res = await qdrantRequest(ctx, { method: 'DELETE', path: collectionPath(namespace), allowErrorStatus: true });
    if (res.status !== 404) expectOk(res, 'collection delete');
  },
});
