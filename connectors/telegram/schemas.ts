import { z } from 'zod';
import { webhookConfigShape } from '../sdk/webhook.ts';

export const telegramConfig = z.object({ ...webhookConfigShape, baseUrl: z.url().default('https://api.telegram.org') });

export const telegramSecrets = z.object({
  botToken: z.string().regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC-DEF…'),
  /** `secret_token` of setWebhook; several during a rotation. */
  webhookSecretToken: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1)]).optional(),
});

export type TelegramConfig = z.infer<typeof telegramConfig>;
export type TelegramSecrets = z.infer<typeof telegramSecrets>;
