import { z } from '../sdk/index.ts';

export const qdrantConfig = z.object({
  url: z.url().describe('Qdrant REST endpoint, e.g. https://xyz.cloud.qdrant.io:6333'),
});

export const qdrantSecrets = z.object({
  apiKey: z.string().min(1).optional().describe('sent as the `api-key` header (Qdrant Cloud, or a server with an API key)'),
});

export type QdrantConfig = z.infer<typeof qdrantConfig>;
export type QdrantSecrets = z.infer<typeof qdrantSecrets>;

/** A collection name as Qdrant accepts it in a path. */
export const collectionName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, _ and -');
