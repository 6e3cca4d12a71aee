import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callJira } from '../client.ts';
import { adf, issueKey } from '../schemas.ts';

export const addComment = defineAction({
  description: 'Comment on an issue',
  input: z.object({ issueKey, body: z.string().min(1).max(32_000) }),
  output: z.object({ id: z.string(), created: z.string() }),
  idempotent: false,
  async run(ctx, input) {
    const c = await callJira<{ id: string; created: string }>(ctx, 'POST', `/issue/${input.issueKey}/comment`, { body: adf(input.body) });
    return { id: c.id, created: c.created };
  },
});
