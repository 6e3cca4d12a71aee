/**
 * The `vectorStore` capability: a connector that stores chunk vectors for RAG indexes.
 * The engine chunks and embeds; the store keeps points (one per chunk) in a namespace
 * (one per index), deletes a document's points and answers nearest-neighbour queries
 * with an equality filter on metadata. Stores with their own full-text search set
 * `keyword: true` and also receive the query text.
 *
 * @example
 * const vectorStore = defineVectorStore({
 *   keyword: false,
 *   async upsert(ctx, { namespace, points }) { await ctx.http.request({ method: 'PUT', url: `${ctx.config.url}/${namespace}`, body: points }); },
 *   async deleteDocument(ctx, { namespace, documentId }) { … },
 *   async query(ctx, { namespace, vector, topK, filter }) { return []; },
 * });
 */
import type { HttpClient } from './http-types.ts';

/**
 * Equality filter on document metadata: every key must match (AND).
 *
 * @example
 * const filter: MetadataFilter = { lang: 'en', published: true }; // lang = 'en' AND published = true
 */
export type MetadataFilter = Record<string, string | number | boolean>;

/**
 * What every capability call receives: the validated connection and the SSRF-safe HTTP client.
 *
 * @example
 * async function deleteCollection(ctx: VectorStoreContext<{ url: string }, { apiKey: string }>, namespace: string) {
 *   await ctx.http.request({ method: 'DELETE', url: `${ctx.config.url}/collections/${namespace}`, headers: { 'api-key': ctx.secrets.apiKey } });
 * }
 */
export interface VectorStoreContext<C = Record<string, unknown>, S = Record<string, unknown>> {
  config: C;
  /** Decrypted secrets: exist only inside the activity or API call. */
  secrets: S;
  http: HttpClient;
  /** Aborted when the activity is cancelled or times out. */
  signal: AbortSignal;
}

/**
 * One chunk of a document. `id` is the engine's stable chunk id (`chk_…`); map it to the store's id format yourself.
 *
 * @example
 * const rows = points.map((p: VectorPoint) => ({ id: p.id, values: p.vector, metadata: { ...p.metadata, documentId: p.documentId, text: p.text } }));
 */
export interface VectorPoint {
  id: string;
  documentId: string;
  /** Present when the index has embeddings. */
  vector?: number[] | undefined;
  text: string;
  /** The document's metadata (JSON values). */
  metadata: Record<string, unknown>;
}

/**
 * A nearest-neighbour query of {@link VectorStoreCapability.query}: the embedded query (and its text for keyword stores), `topK` and a metadata filter.
 *
 * @example
 * const hits = await store.query(ctx, { namespace: 'idx_docs', vector: queryVector, text: 'refund policy', topK: 5, filter: { lang: 'en' } });
 */
export interface VectorQuery {
  namespace: string;
  /** The embedded query; absent for keyword-only indexes. */
  vector?: number[] | undefined;
  /** The query text (for stores with `keyword: true`). */
  text?: string | undefined;
  topK: number;
  filter?: MetadataFilter | undefined;
}

/**
 * A hit, best first; `score` is the store's similarity (higher is better).
 *
 * @example
 * const hit: VectorHit = { chunkId: m.metadata.chunkId, documentId: m.metadata.documentId, text: m.metadata.text, metadata: m.metadata, score: m.score };
 */
export interface VectorHit {
  chunkId: string;
  documentId: string;
  text: string;
  metadata: Record<string, unknown>;
  score: number;
}

/**
 * A vector store: `upsert`, `deleteDocument` and `query` are required; namespace creation and deletion and atomic document replacement are optional.
 *
 * @example
 * const store: VectorStoreCapability<AcmeConfig, AcmeSecrets> = { keyword: true, upsert, deleteDocument, query };
 * await store.ensureNamespace?.(ctx, { namespace: 'idx_docs', dimensions: 1536 });
 * await store.upsert(ctx, { namespace: 'idx_docs', points });
 */
export interface VectorStoreCapability<C = any, S = any> {
  /** True when `query` also searches the text (keyword or hybrid); such stores may serve indexes without embeddings. */
  keyword?: boolean;
  /** Creates the namespace when missing (idempotent); called before the first upsert of an ingestion. */
  ensureNamespace?(ctx: VectorStoreContext<C, S>, input: { namespace: string; dimensions?: number | undefined }): Promise<void>;
  /** Inserts or replaces points by id (idempotent). */
  upsert(ctx: VectorStoreContext<C, S>, input: { namespace: string; points: VectorPoint[] }): Promise<void>;
  /**
   * Replaces every point of a document at once (atomically where the store can). Optional:
   * without it the engine calls `deleteDocument`, then `upsert` (chunk ids are stable,
   * so a retry converges).
   */
  replaceDocument?(ctx: VectorStoreContext<C, S>, input: { namespace: string; documentId: string; metadata: Record<string, unknown>; points: VectorPoint[] }): Promise<void>;
  /** Deletes every point of a document (idempotent: no points is not an error). */
  deleteDocument(ctx: VectorStoreContext<C, S>, input: { namespace: string; documentId: string }): Promise<void>;
  query(ctx: VectorStoreContext<C, S>, input: VectorQuery): Promise<VectorHit[]>;
  /** Drops the namespace with all its points (when the index is deleted). */
  deleteNamespace?(ctx: VectorStoreContext<C, S>, input: { namespace: string }): Promise<void>;
}

/**
 * Declares a vector store capability (types only; the registry validates it).
 *
 * @example
 * export const acmeVectorStore = defineVectorStore<AcmeConfig, AcmeSecrets>({
 *   async upsert(ctx, { namespace, points }) { await ctx.http.request({ method: 'PUT', url: `${ctx.config.url}/${namespace}/points`, body: { points } }); },
 *   async deleteDocument(ctx, { namespace, documentId }) { await ctx.http.request({ method: 'DELETE', url: `${ctx.config.url}/${namespace}/documents/${documentId}` }); },
 *   async query(ctx, q) { return (await ctx.http.request<{ hits: VectorHit[] }>({ method: 'POST', url: `${ctx.config.url}/${q.namespace}/query`, body: q })).body.hits; },
 * });
 */
export function defineVectorStore<C = any, S = any>(def: VectorStoreCapability<C, S>): VectorStoreCapability<C, S> {
  return def;
}

/**
 * Problems of a `vectorStore` capability (empty when valid).
 *
 * @example
 * vectorStoreProblems(acmeVectorStore); // []
 * vectorStoreProblems({ upsert() {} }); // ['capabilities.vectorStore.deleteDocument must be a function', 'capabilities.vectorStore.query must be a function']
 */
export function vectorStoreProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object') return ['capabilities.vectorStore must be an object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const fn of ['upsert', 'deleteDocument', 'query'] as const) {
    if (typeof v[fn] !== 'function') problems.push(`capabilities.vectorStore.${fn} must be a function`);
  }
  for (const fn of ['ensureNamespace', 'replaceDocument', 'deleteNamespace'] as const) {
    if (v[fn] !== undefined && typeof v[fn] !== 'function') problems.push(`capabilities.vectorStore.${fn} must be a function`);
  }
  if (v['keyword'] !== undefined && typeof v['keyword'] !== 'boolean') problems.push('capabilities.vectorStore.keyword must be true or false');
  return problems;
}
