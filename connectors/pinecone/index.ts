import { defineConnector } from '../sdk/index.ts';
import { queryVectorsAction } from './actions/query-vectors.ts';
import { pineconeRequest } from './client.ts';
import { pineconeConfig, pineconeSecrets } from './schemas.ts';
import { pineconeVectorStore } from './vector-store.ts';

/** Pinecone (data-plane REST on the index host): a vector store for RAG indexes, and a query action. */
export default defineConnector({
  key: 'pinecone',
  displayName: 'Pinecone',
  version: '1.0.0',
  description: 'Pinecone serverless index over its data-plane REST API: stores RAG index chunks (vectorStore) and queries vectors',
  config: pineconeConfig,
  secrets: pineconeSecrets,
  actions: { query_vectors: queryVectorsAction },
  capabilities: { vectorStore: pineconeVectorStore },
  async test(ctx) {
    const res = await pineconeRequest<{ dimension?: number; totalVectorCount?: number }>(ctx, { method: 'POST', path: '/describe_index_stats', body: {} });
    return { ok: true, message: `index reachable: ${res.body?.dimension ?? '?'} dimensions, ${res.body?.totalVectorCount ?? 0} vectors` };
  },
});
