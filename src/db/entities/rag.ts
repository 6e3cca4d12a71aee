import { defineEntity, p } from '@mikro-orm/core';

/** Embedding settings of a RAG index: an `openai`-compatible connection and its model. */
export interface RagEmbeddingConfig {
  connection: string;
  model: string;
  dimensions: number;
}

/**
 * Where an index keeps its chunks: a connection whose connector provides `vectorStore`,
 * and the namespace (collection) in it. Absent: the embedded SQL store of the engine's
 * database. Moving an index to another store is a re-ingest.
 */
export interface RagStoreConfig {
  connection: string;
  namespace: string;
}

/** Chunking settings of a RAG index (characters). */
export interface RagChunkingConfig {
  size: number;
  overlap: number;
}

/** A RAG index: a named set of documents, chunked and searchable. */
export const RagIndexSchema = defineEntity({
  name: 'RagIndex',
  tableName: 'rag_indexes',
  properties: {
    id: p.string().primary(),
    name: p.string().unique(),
    embedding: p.json<RagEmbeddingConfig>().nullable(),
    chunking: p.json<RagChunkingConfig>(),
    store: p.json<RagStoreConfig>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class RagIndex extends RagIndexSchema.class {}
RagIndexSchema.setClass(RagIndex);

/**
 * A document of an index, keyed by the caller's id. The API stages `content` (or `url`)
 * here; the ingestion workflow chunks it. `ingestionId` names the workflow that owns
 * the latest version, so an older ingestion never overwrites a newer one.
 */
export const RagDocumentSchema = defineEntity({
  name: 'RagDocument',
  tableName: 'rag_documents',
  uniques: [{ properties: ['indexId', 'documentId'] }],
  properties: {
    id: p.string().primary(),
    indexId: p.string().index(),
    documentId: p.string(),
    url: p.text().nullable(),
    content: p.text().nullable(),
    metadata: p.json<Record<string, unknown>>(),
    /** pending | indexed | failed */
    status: p.string(),
    ingestionId: p.string(),
    chunkCount: p.integer().default(0),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class RagDocument extends RagDocumentSchema.class {}
RagDocumentSchema.setClass(RagDocument);

/**
 * A chunk of a document. The integer `id` is the row id the full-text indexes key on
 * (SQLite FTS5 external content); `chunkId` is the stable public id. Written with raw
 * SQL by src/rag/store.ts; the entity exists so migrations create the table.
 */
export const RagChunkSchema = defineEntity({
  name: 'RagChunk',
  tableName: 'rag_chunks',
  indexes: [{ properties: ['indexId', 'documentId'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    chunkId: p.string().unique(),
    indexId: p.string(),
    documentId: p.string(),
    ordinal: p.integer(),
    text: p.text(),
    metadata: p.json<Record<string, unknown>>(),
    /** JSON array of numbers, when the index has embeddings. */
    embedding: p.text().nullable(),
  },
});
export class RagChunk extends RagChunkSchema.class {}
RagChunkSchema.setClass(RagChunk);
