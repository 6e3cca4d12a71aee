import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { postIncomingWebhook } from '../client.ts';
import type { SlackSecrets } from '../schemas.ts';

const COLORS: Record<string, string> = { good: 'good', warning: 'warning', danger: 'danger', info: '#439FE0' };

export const sendNotification = defineAction({
  description: "Post a coloured notification through the connection's incoming webhook",
  input: z.object({
    title: z.string().min(1).max(500),
    message: z.string().min(1).max(20_000),
    color: z.union([z.enum(['good', 'warning', 'danger', 'info']), z.string().regex(/^#[0-9a-fA-F]{6}$/)]).default('info'),
  }),
  output: z.object({ delivered: z.literal(true) }),
  idempotent: false,
  async run(ctx, input) {
    const url = (ctx.secrets as SlackSecrets).incomingWebhookUrl;
    if (!url) throw new ConnectorError('CONFIG_INVALID', 'the Slack connection has no incomingWebhookUrl');
    await postIncomingWebhook(ctx, url, { text: input.title, attachments: [{ color: COLORS[input.color] ?? input.color, title: input.title, text: input.message }] });
    return { delivered: true as const };
  },
});
