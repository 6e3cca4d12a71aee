import { z } from 'zod';
import { webhookConfigShape, webhookSecretSchema } from '../sdk/webhook.ts';

export const stripeConfig = z.object({
  ...webhookConfigShape,
  baseUrl: z.url().default('https://api.stripe.com'),
  /** Pin the API version the actions were written against. */
  apiVersion: z.string().default('2024-06-20'),
});

export const stripeSecrets = z.object({
  apiKey: z.string().min(1).optional(),
  webhookSecret: webhookSecretSchema.optional(),
});

/** The fields an action answers of a Stripe money object (PaymentIntent `pi_`, Refund `re_`), in this order. */
export const moneyObjectShape = (idPrefix: string) => ({
  id: z.string().startsWith(idPrefix),
  status: z.string(),
  amount: z.number().int(),
  currency: z.string(),
});

/** A Stripe money object as the API answers it (the fields of `moneyObjectShape`). */
export interface MoneyObject {
  id: string;
  status: string;
  amount: number;
  currency: string;
}

export type StripeConfig = z.infer<typeof stripeConfig>;
export type StripeSecrets = z.infer<typeof stripeSecrets>;
