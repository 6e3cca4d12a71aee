import { defineConnector } from '../sdk/index.ts';
import { searchPoints } from './actions/search-points.ts';
import { qdrantRequest, type QdrantEnvelope } from './client.ts';
import { qdrantConfig, qdrantSecrets } from './schemas.ts';
import { qdrantVectorStore } from './vector-store.ts';

/** Qdrant (REST): a vector store for RAG indexes, and a nearest-points search action. */
export default defineConnector({
  key: 'qdrant',
  displayName: 'Qdrant',
  version: '1.0.0',
  description: 'Qdrant vector database over REST: stores RAG index chunks (vectorStore) and searches points',
  config: qdrantConfig,
  secrets: qdrantSecrets,
  actions: { search_points: searchPoints },
  capabilities: { vectorStore: qdrantVectorStore },
  async test(ctx) {
    const res = await qdrantRequest<QdrantEnvelope<{ collections?: { name: string }[] }>>(ctx, { method: 'GET', path: '/collections' });
    return { ok: true, message: `reachable; ${res.body?.result?.collections?.length ?? 0} collections` };
  },
});
