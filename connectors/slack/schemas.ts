import { z } from 'zod';
import { webhookConfigShape } from '../sdk/webhook.ts';

export const slackConfig = z.object({
  ...webhookConfigShape,
  /** Web API base URL (tests point it at a local fake). */
  baseUrl: z.url().default('https://slack.com/api'),
});

export const slackSecrets = z.object({
  botToken: z.string().min(1).optional(),
  incomingWebhookUrl: z.url().optional(),
  /** Signing secret(s): several during a rotation (any one valid signature accepts). */
  signingSecret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

export type SlackConfig = z.infer<typeof slackConfig>;
export type SlackSecrets = z.infer<typeof slackSecrets>;
