import { defineAction, z } from '../../sdk/index.ts';
import { qdrantFilter, queryPoints } from '../client.ts';
import { collectionName, type QdrantConfig, type QdrantSecrets } from '../schemas.ts';

/** Nearest points of a collection by vector, with an equality filter on `metadata.<key>`. */
export const searchPoints = defineAction({
  description: 'Find the points nearest to a vector in a collection (cosine), optionally filtered by metadata',
  input: z.object({
    collection: collectionName,
    vector: z.array(z.number()).min(1).max(8192),
    limit: z.number().int().min(1).max(100).default(5),
    filter: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('metadata equality filter'),
  }),
  output: z.object({
    points: z.array(z.object({ id: z.union([z.string(), z.number()]), score: z.number(), payload: z.record(z.string(), z.unknown()).nullable() })),
  }),
  idempotent: true,
  async run(ctx, input) {
    const c = { config: ctx.config as QdrantConfig, secrets: ctx.secrets as QdrantSecrets, http: ctx.http };
    const points = await queryPoints(c, input.collection, input.vector, input.limit, qdrantFilter(input.filter));
    return { points: points.map((p) => ({ id: p.id, score: p.score, payload: p.payload ?? null })) };
  },
});
