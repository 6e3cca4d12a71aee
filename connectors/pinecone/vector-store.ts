/** Pinecone as a `vectorStore`: one namespace per index, one vector per chunk (`<documentId>#<chunkId>`). */
import { ConnectorError, defineVectorStore } from '../sdk/index.ts';
import { expectOk, flatMetadata, listIds, pineconeFilter, pineconeRequest, queryVectors, RESERVED, toHit } from './client.ts';
import type { PineconeConfig, PineconeSecrets } from './schemas.ts';

const UPSERT_BATCH = 100;
const DELETE_BATCH = 1000;

export const vectorIdOf = (documentId: string, chunkId: string) => `${documentId}#${chunkId}`;

export const pineconeVectorStore = defineVectorStore<PineconeConfig, PineconeSecrets>({
  keyword: false,
  async upsert(ctx, { namespace, points }) {
    for (let i = 0; i < points.length; i += UPSERT_BATCH) {
      const vectors = points.slice(i, i + UPSERT_BATCH).map((p) => {
        if (!p.vector) throw new ConnectorError('CONFIG_INVALID', 'Pinecone stores vectors: give the index an embedding');
        return {
          id: vectorIdOf(p.documentId, p.id),
          values: p.vector,
          metadata: { ...flatMetadata(p.metadata), [RESERVED.documentId]: p.documentId, [RESERVED.chunkId]: p.id, [RESERVED.text]: p.text },
        };
      });
      await pineconeRequest(ctx, { method: 'POST', path: '/vectors/upsert', body: { vectors, namespace } });
    }
  },
  async deleteDocument(ctx, { namespace, documentId }) {
    const ids = await listIds(ctx, namespace, `${documentId}#`);
    for (let i = 0; i < ids.length; i += DELETE_BATCH) {
      await pineconeRequest(ctx, { method: 'POST', path: '/vectors/delete', body: { ids: ids.slice(i, i + DELETE_BATCH), namespace } });
    }
  },
  async query(ctx, { namespace, vector, topK, filter }) {
    if (!vector) throw new ConnectorError('CONFIG_INVALID', 'Pinecone searches vectors: give the index an embedding');
    return (await queryVectors(ctx, { namespace, vector, topK, filter: pineconeFilter(filter) })).map(toHit);
  },
  async deleteNamespace(ctx, { namespace }) {
    const res = await pineconeRequest(ctx, { method: 'POST', path: '/vectors/delete', body: { deleteAll: true, namespace }, allowErrorStatus: true });
    // 404: the namespace never received a vector.
    if (res.status !== 404) expectOk(res, 'namespace delete');
  },
});
