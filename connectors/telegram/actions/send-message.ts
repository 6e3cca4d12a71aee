import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callTelegram } from '../client.ts';

export const sendMessage = defineAction({
  description: 'Send a text message to a chat (sendMessage)',
  input: z.object({
    chatId: z.union([z.number().int(), z.string().min(1)]),
    text: z.string().min(1).max(4096),
    parseMode: z.enum(['MarkdownV2', 'HTML']).optional(),
    disableNotification: z.boolean().optional(),
  }),
  output: z.object({ messageId: z.number().int(), chatId: z.union([z.number(), z.string()]), date: z.number().int() }),
  idempotent: false,
  async run(ctx, input) {
    const m = await callTelegram<{ message_id: number; chat?: { id: number | string }; date: number }>(ctx, 'sendMessage', {
      chat_id: input.chatId,
      text: input.text,
      ...(input.parseMode ? { parse_mode: input.parseMode } : {}),
      ...(input.disableNotification !== undefined ? { disable_notification: input.disableNotification } : {}),
    });
    // Shape is checked by the output schema (a malformed reply fails without retry).
    return { messageId: m.message_id, chatId: m.chat?.id as number, date: m.date };
  },
});
