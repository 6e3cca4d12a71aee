import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { callSlack, postIncomingWebhook } from '../client.ts';
import type { SlackSecrets } from '../schemas.ts';

export const sendMessage = defineAction({
  description: "Post a message: chat.postMessage with the botToken, else through the connection's incoming webhook",
  input: z.object({
    channel: z
      .string()
      .min(1)
      .optional()
      .describe('Channel id or #name; required with a botToken. An incoming webhook posts to the channel it was created for and ignores it.'),
    text: z.string().min(1).max(40_000),
    blocks: z.array(z.record(z.string(), z.unknown())).optional(),
    threadTs: z.string().optional(),
  }),
  output: z.union([
    z.object({ channel: z.string(), ts: z.string() }).describe('Posted with the botToken (chat.postMessage)'),
    z.object({ delivered: z.literal(true), via: z.literal('incoming_webhook') }).describe('Posted through the incoming webhook, which reports no channel or ts'),
  ]),
  idempotent: false,
  async run(ctx, input) {
    const secrets = ctx.secrets as SlackSecrets;
    const message = {
      text: input.text,
      ...(input.blocks ? { blocks: input.blocks } : {}),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    };
    if (secrets.botToken) {
      if (!input.channel) {
        throw new ConnectorError('INVALID_INPUT', 'input.channel is required when sending with the botToken', { details: [{ path: 'input.channel', message: 'required with a botToken' }] });
      }
      const res = await callSlack<{ channel: string; ts: string }>(ctx, 'chat.postMessage', { channel: input.channel, ...message });
      return { channel: res.channel, ts: res.ts };
    }
    if (secrets.incomingWebhookUrl) {
      if (input.channel) ctx.logger.debug({ channel: input.channel }, 'send_message through the incoming webhook: channel ignored, the webhook fixes it');
      await postIncomingWebhook(ctx, secrets.incomingWebhookUrl, message);
      return { delivered: true as const, via: 'incoming_webhook' as const };
    }
    throw new ConnectorError('CONFIG_INVALID', 'the Slack connection has neither a botToken nor an incomingWebhookUrl: send_message needs one of them');
  },
});
