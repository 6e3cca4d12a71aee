import { z } from 'zod';
import type { IngestionStatus } from '../../rag/ingestion.ts';
import { httpUrl, idString, metadataKey, nameString, printableString, recordOf } from '../ids.ts';

export const embeddingSchema = z
  .object({
    connection: z.string().min(1).describe('id of a connection whose connector provides `embeddings` (openai, cohere, or a connector package)'),
    model: z.string().min(1),
    dimensions: z.number().int().min(1).max(8192),
  })
  .meta({ id: 'RagEmbedding' });

export const storeSchema = z
  .object({
    connection: idString.describe('id or name of a connection whose connector provides `vectorStore` (qdrant, pinecone, or a package)'),
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - (at most 63)')
      .optional()
      .describe('collection (qdrant) or namespace (pinecone) of the index; default `switchboard_<index id>`'),
  })
  .strict()
  .meta({ id: 'RagStore' });

export const createIndexSchema = z
  .object({
    name: nameString,
    embedding: embeddingSchema.optional(),
    store: storeSchema.optional().describe('where chunks are kept; absent: the embedded store of the engine database (SQLite FTS5, PostgreSQL full text/pgvector)'),
    chunking: z
      .object({ size: z.number().int().min(100).max(20_000).optional(), overlap: z.number().int().min(0).max(5_000).optional() })
      .optional(),
  })
  .meta({ id: 'CreateRagIndex' });

export const indexSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    embedding: embeddingSchema.nullable(),
    store: z.object({ connection: z.string(), namespace: z.string() }).nullable(),
    chunking: z.object({ size: z.number(), overlap: z.number() }),
    documents: z.number().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'RagIndex' });

const metadataSchema = recordOf(metadataKey, z.unknown());

// Printable: MikroORM's SQLite path inlines these ids into SQL text, where a control character broke the statement.
const documentId = printableString(200);
/** A document: its `text`, or a `url` to fetch it from (exactly one of the two). */
export const documentSchema = z.union([
  z.object({ id: documentId, text: z.string().max(5_000_000), metadata: metadataSchema.optional() }).strict(),
  z.object({ id: documentId, url: httpUrl, metadata: metadataSchema.optional() }).strict(),
], { error: () => 'give exactly one of text or url (and only id, text or url, metadata)' });

export const ingestSchema = z
  .object({
    documents: z.array(documentSchema).min(1).max(10_000),
    batchSize: z.number().int().min(1).max(500).optional().describe('documents per activity (default 50)'),
  })
  .meta({ id: 'RagIngest' });

/** Metadata equality filter; keys are printable (they become JSON paths in SQL parameters). */
export const filterSchema = recordOf(
  printableString(200),
  z.union([z.string(), z.number(), z.boolean()]),
);

export const querySchema = z
  .object({ query: z.string().min(1).max(10_000), topK: z.number().int().min(1).max(100).default(5), filter: filterSchema.optional() })
  .meta({ id: 'RagQuery' });

export const resultSchema = z
  .object({ documentId: z.string(), chunkId: z.string(), text: z.string(), score: z.number(), metadata: metadataSchema })
  .meta({ id: 'RagResult' });

/** What `ingestionStatus` answers (typed so the two cannot drift apart). */
export const progressSchema: z.ZodType<IngestionStatus> = z
  .object({
    ingestionId: z.string(),
    status: z.string(),
    total: z.number(),
    processed: z.number(),
    indexed: z.number(),
    chunks: z.number(),
    failed: z.array(z.object({ documentId: z.string(), error: z.string() })),
    done: z.boolean(),
  })
  .meta({ id: 'RagIngestion' });
