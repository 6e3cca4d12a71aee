/**
 * RAG operations shared by the API and the activities: indexes, staging documents,
 * ingesting them (chunk → embed → replace chunks) and hybrid retrieval.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { embedTexts, type EmbeddingDeps } from '../ai/embeddings.ts';
import { RagDocument, RagIndex, type RagChunkingConfig, type RagEmbeddingConfig, type RagStoreConfig } from '../db/entities/index.ts';
import { newId } from '../db/ids.ts';
import { chunkIdOf, chunkText, DEFAULT_CHUNKING } from './chunk.ts';
import { fetchDocumentText } from './fetch-document.ts';
import type { MetadataFilter } from './store.ts';
import { openIndexStore, replaceDocumentPoints, type StoreDeps } from './vector-stores.ts';

export interface RagDeps extends EmbeddingDeps, StoreDeps {}

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
  input: {
    name: string;
    embedding?: RagEmbeddingConfig | undefined;
    chunking?: Partial<RagChunkingConfig> | undefined;
    store?: { connection: string; namespace?: string | undefined } | undefined;
  },
): Promise<RagIndex> {
  const chunking = { ...DEFAULT_CHUNKING, ...input.chunking };
  if (chunking.overlap >= chunking.size) throw new ConnectorError('INVALID_INPUT', 'chunking.overlap must be smaller than chunking.size');
  const id = newId('rag');
  const store: RagStoreConfig | null = input.store ? { connection: input.store.connection, namespace: input.store.namespace ?? `switchboard_${id}` } : null;
  const index = em.create(RagIndex, {
    id,
    name: input.name,
    embedding: input.embedding ?? null,
    chunking,
    store,
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
  const store = await openIndexStore(deps, index);
  let namespaceReady = false;
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
      text = row.content ?? (row.url ? await fetchDocumentText(deps.outbound.fetch, row.url) : '');
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
    if (!namespaceReady && store.capability.ensureNamespace) {
      await store.capability.ensureNamespace(store.ctx, { namespace: store.namespace, dimensions: index.embedding?.dimensions });
    }
    namespaceReady = true;
    await replaceDocumentPoints(
      store,
      row.documentId,
      row.metadata,
      pieces.map((t, ordinal) => ({ id: chunkIdOf(index.id, row.documentId, ordinal, t), documentId: row.documentId, text: t, vector: vectors[ordinal], metadata: row.metadata })),
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

/**
 * Retrieval through the index's store: the query embedded when the index has
 * embeddings, and its text for stores with keyword search (the embedded store fuses
 * BM25 / ts_rank with vector hits by reciprocal rank).
 */
export async function queryIndex(deps: RagDeps, index: RagIndex, q: RagQuery): Promise<RagResult[]> {
  const store = await openIndexStore(deps, index);
  const vector = index.embedding ? (await embedTexts(deps, deps.orm.em.fork(), index.embedding, [q.query], 'query'))[0] : undefined;
  const hits = await store.capability.query(store.ctx, {
    namespace: store.namespace,
    vector,
    ...(store.capability.keyword ? { text: q.query } : {}),
    topK: q.topK,
    ...(q.filter && Object.keys(q.filter).length ? { filter: q.filter } : {}),
  });
  return hits.slice(0, q.topK).map((h) => ({ documentId: h.documentId, chunkId: h.chunkId, text: h.text, score: h.score, metadata: h.metadata }));
}

/** Deletes an index with its documents and chunks (the store's namespace too, when it can drop one). */
export async function deleteIndex(deps: StoreDeps, index: RagIndex): Promise<void> {
  const orm = deps.orm;
  let store;
  try {
    store = await openIndexStore(deps, index);
  } catch (err) {
    // A store connection that is gone (or no longer a vector store) leaves nothing to drop through it.
    if (!(err instanceof ConnectorError) || err.retryable) throw err;
  }
  if (store) await store.capability.deleteNamespace?.(store.ctx, { namespace: store.namespace });
  const em = orm.em.fork();
  await em.nativeDelete(RagDocument, { indexId: index.id });
  await em.nativeDelete(RagIndex, { id: index.id });
}
