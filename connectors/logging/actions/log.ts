import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';

export const log = defineAction({
  description: 'Write a log line (secret values are scrubbed)',
  input: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    message: z.string().min(1).max(10_000),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  output: z.object({ logged: z.literal(true), level: z.string(), at: z.string() }),
  idempotent: true,
  async run(ctx, input) {
    ctx.logger[input.level]({ connectionId: ctx.connectionId, step: ctx.idempotencyKey, data: input.data }, input.message);
    return { logged: true as const, level: input.level, at: new Date().toISOString() };
  },
});
