import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callSlack } from '../client.ts';

export const sendMessage = defineAction({
  description: 'Post a message to a channel (chat.postMessage)',
  input: z.object({
    channel: z.string().min(1).describe('Channel id or #name'),
    text: z.string().min(1).max(40_000),
    blocks: z.array(z.record(z.string(), z.unknown())).optional(),
    threadTs: z.string().optional(),
  }),
  output: z.object({ channel: z.string(), ts: z.string() }),
  idempotent: false,
  async run(ctx, input) {
    const res = await callSlack<{ channel: string; ts: string }>(ctx, 'chat.postMessage', {
      channel: input.channel,
      text: input.text,
      ...(input.blocks ? { blocks: input.blocks } : {}),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    });
    return { channel: res.channel, ts: res.ts };
  },
});
