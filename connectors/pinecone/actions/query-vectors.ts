import { defineAction, z } from '../../sdk/index.ts';
import { pineconeFilter, queryVectors } from '../client.ts';
import type { PineconeConfig, PineconeSecrets } from '../schemas.ts';

/** Nearest vectors of a namespace, with an equality filter on metadata. */
export const queryVectorsAction = defineAction({
  description: 'Find the vectors nearest to a vector in a namespace, optionally filtered by metadata ($eq per key)',
  input: z.object({
    namespace: z.string().max(512).optional(),
    vector: z.array(z.number()).min(1).max(20_000),
    topK: z.number().int().min(1).max(100).default(5),
    filter: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('metadata equality filter'),
  }),
  output: z.object({
    matches: z.array(z.object({ id: z.string(), score: z.number(), metadata: z.record(z.string(), z.unknown()).nullable() })),
  }),
  idempotent: true,
  async run(ctx, input) {
    const c = { config: ctx.config as PineconeConfig, secrets: ctx.secrets as PineconeSecrets, http: ctx.http };
    const matches = await queryVectors(c, { namespace: input.namespace, vector: input.vector, topK: input.topK, filter: pineconeFilter(input.filter) });
    return { matches: matches.map((m) => ({ id: m.id, score: m.score, metadata: m.metadata ?? null })) };
  },
});
