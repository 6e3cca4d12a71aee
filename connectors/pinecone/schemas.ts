import { z } from '../sdk/index.ts';

export const pineconeConfig = z.object({
  indexHost: z.url().describe('the index host of the data plane, e.g. https://my-index-abc123.svc.us-east-1.pinecone.io'),
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/).default('2025-04').describe('sent as X-Pinecone-API-Version'),
});

export const pineconeSecrets = z.object({
  apiKey: z.string().min(1).describe('sent as the Api-Key header'),
});

export type PineconeConfig = z.infer<typeof pineconeConfig>;
export type PineconeSecrets = z.infer<typeof pineconeSecrets>;
