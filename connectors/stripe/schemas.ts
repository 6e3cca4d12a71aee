import { z } from 'zod';
import { webhookConfigShape } from '../sdk/webhook.ts';

export const stripeConfig = z.object({
  ...webhookConfigShape,
  baseUrl: z.url().default('https://api.stripe.com'),
  /** Pin the API version the actions were written against. */
  apiVersion: z.string().default('2024-06-20'),
});

export const stripeSecrets = z.object({
  apiKey: z.string().min(1).optional(),
  /** Signing secret(s): several during a rotation (any one valid signature accepts). */
  webhookSecret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

export type StripeConfig = z.infer<typeof stripeConfig>;
export type StripeSecrets = z.infer<typeof stripeSecrets>;
