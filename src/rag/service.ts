/**
 * RAG operations shared by the API and the activities: indexes, staging documents,
 * ingesting them (chunk → embed → replace chunks) and hybrid retrieval.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import { embedTexts, type EmbeddingDeps } from '../ai/embeddings.ts';
import { RagDocument, RagIndex, type RagChunkingConfig, type RagEmbeddingConfig } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';
import { newId } from '../db/ids.ts';
import { chunkIdOf, chunkText, DEFAULT_CHUNKING } from './chunk.ts';
import { fetchDocumentText } from './fetch-document.ts';
import { reciprocalRankFusion } from './fuse.ts';
import { ormSqlExecutor } from './sql.ts';
import { ChunkStore, type MetadataFilter, type SearchHit } from './store.ts';

export interface RagDeps extends EmbeddingDeps {
  orm: Orm;
  fetch: SafeFetch;
}

export interface NewDocument {
  id: string;
  text?: string | undefined;
  url?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export interface RagQuery {
  query: string;
  topK: number;
  filter?: MetadataFilter | undefined;
}

export interface RagResult {
  documentId: string;
  chunkId: string;
  text: string;
  score: number;
  metadata: Record<string, unknown>;
}

export interface IngestBatchResult {
  /** Documents indexed by this ingestion (including by an earlier attempt of the batch). */
  processed: number;
  /** Documents a newer ingestion took over. */
  skipped: number;
  chunks: number;
  failed: { documentId: string; error: string }[];
}

export async function createIndex(
  em: EntityManager,
  input: { name: string; embedding?: RagEmbeddingConfig | undefined; chunking?: Partial<RagChunkingConfig> | undefined },
): Promise<RagIndex> {
  const chunking = { ...DEFAULT_CHUNKING, ...input.chunking };
  if (chunking.overlap >= chunking.size) throw new ConnectorError('INVALID_INPUT', 'chunking.overlap must be smaller than chunking.size');
  const index = em.create(RagIndex, {
    id: newId('rag'),
    name: input.name,
    embedding: input.embedding ?? null,
    chunking,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await em.flush();
  return index;
}

/** An index by id or by name. */
export async function findIndex(em: EntityManager, idOrName: string): Promise<RagIndex | null> {
  return em.findOne(RagIndex, { $or: [{ id: idOrName }, { name: idOrName }] });
}

/**
 * Stages documents for an ingestion: upserts rows by (index, document id) as pending
 * and owned by `ingestionId`. Returns the document ids in request order.
 */
export async function stageDocuments(em: EntityManager, indexId: string, docs: readonly NewDocument[], ingestionId: string): Promise<string[]> {
  const existing = new Map(
    (await em.find(RagDocument, { indexId, documentId: { $in: docs.map((d) => d.id) } })).map((d) => [d.documentId, d]),
  );
  for (const d of docs) {
    const fields = { url: d.url ?? null, content: d.text ?? null, metadata: d.metadata ?? {}, status: 'pending', ingestionId, error: null };
    const row = existing.get(d.id);
    // A native update binds the metadata as one parameter: MikroORM's change set for a
    // JSON property writes changed keys into SQL text, where a quote broke the statement.
    if (row) await em.nativeUpdate(RagDocument, { id: row.id }, { ...fields, updatedAt: new Date() });
    else em.create(RagDocument, { id: newId('doc'), indexId, documentId: d.id, chunkCount: 0, createdAt: new Date(), updatedAt: new Date(), ...fields });
  }
  await em.flush();
  return docs.map((d) => d.id);
}

/**
 * Ingests staged documents of one ingestion. Idempotent: a document already indexed by
 * this ingestion is skipped, a document taken over by a newer ingestion is left alone,
 * and each document's chunks are replaced in one transaction.
 */
export async function ingestDocuments(
  deps: RagDeps,
  input: { indexId: string; ingestionId: string; documentIds: readonly string[] },
  heartbeat: (details: unknown) => void = () => undefined,
): Promise<IngestBatchResult> {
  const em = deps.orm.em.fork();
  const index = await em.findOne(RagIndex, { id: input.indexId });
  if (!index) throw new ConnectorError('NOT_FOUND', `RAG index ${input.indexId} not found`);
  const store = new ChunkStore(ormSqlExecutor(deps.orm));
  const rows = await em.find(RagDocument, { indexId: index.id, documentId: { $in: [...input.documentIds] } });
  const result: IngestBatchResult = { processed: 0, skipped: 0, chunks: 0, failed: [] };
  for (const row of rows) {
    if (row.ingestionId !== input.ingestionId) {
      // A newer ingestion owns this document now.
      result.skipped++;
      continue;
    }
    if (row.status === 'indexed' || row.status === 'failed') {
      // Done by an earlier attempt of this batch (the worker died before reporting).
      if (row.status === 'indexed') {
        result.processed++;
        result.chunks += row.chunkCount;
      } else result.failed.push({ documentId: row.documentId, error: row.error ?? 'failed' });
      continue;
    }
    let text: string;
    try {
      text = row.content ?? (row.url ? await fetchDocumentText(deps.fetch, row.url) : '');
    } catch (err) {
      const e = err instanceof ConnectorError ? err : new ConnectorError('TRANSIENT_NETWORK', String(err));
      if (e.retryable) throw e;
      row.status = 'failed';
      row.error = e.message;
      await em.flush();
      result.failed.push({ documentId: row.documentId, error: e.message });
      continue;
    }
    const pieces = chunkText(text, index.chunking);
    const vectors = index.embedding ? await embedTexts(deps, em, index.embedding, pieces) : [];
    await store.replaceDocumentChunks(
      index.id,
      row.documentId,
      row.metadata,
      pieces.map((t, ordinal) => ({ chunkId: chunkIdOf(index.id, row.documentId, ordinal, t), ordinal, text: t, embedding: vectors[ordinal] })),
    );
    row.status = 'indexed';
    row.chunkCount = pieces.length;
    row.error = null;
    await em.flush();
    result.processed++;
    result.chunks += pieces.length;
    heartbeat({ processed: result.processed + result.skipped + result.failed.length });
  }
  return result;
}

/** Keyword (BM25 / ts_rank) retrieval, fused with vector retrieval when the index has embeddings. */
export async function queryIndex(deps: RagDeps, index: RagIndex, q: RagQuery): Promise<RagResult[]> {
  const store = new ChunkStore(ormSqlExecutor(deps.orm));
  const depth = Math.max(q.topK * 4, 20);
  const keyword = await store.keywordSearch(index.id, q.query, index.embedding ? depth : q.topK, q.filter);
  let hits: SearchHit[] = keyword;
  if (index.embedding) {
    const [vector] = await embedTexts(deps, deps.orm.em.fork(), index.embedding, [q.query], 'query');
    const semantic = await store.vectorSearch(index.id, vector!, depth, q.filter);
    hits = reciprocalRankFusion([keyword, semantic], q.topK);
  }
  return hits.slice(0, q.topK).map((h) => ({ documentId: h.documentId, chunkId: h.chunkId, text: h.text, score: h.score, metadata: h.metadata }));
}

/** Deletes an index with its documents and chunks. */
export async function deleteIndex(orm: Orm, index: RagIndex): Promise<void> {
  await new ChunkStore(ormSqlExecutor(orm)).deleteIndex(index.id);
  const em = orm.em.fork();
  await em.nativeDelete(RagDocument, { indexId: index.id });
  await em.nativeDelete(RagIndex, { id: index.id });
}
