import { z } from 'zod';
import { webhookConfigShape, webhookSecretSchema } from '../sdk/webhook.ts';

export const shopifyConfig = z.object({
  ...webhookConfigShape,
  /** `acme.myshopify.com` (or `acme`): the Admin API lives on the myshopify domain, not a custom one. */
  shopDomain: z.string().optional(),
  /** Admin API version in the path (`/admin/api/<version>/`); Shopify supports each for a year. */
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/, 'YYYY-MM').default('2025-07'),
  /** Overrides `https://<shopDomain>` (tests point it at a local fake). */
  baseUrl: z.url().optional(),
});

export const shopifySecrets = z.object({
  /** Admin API access token (`shpat_…`) of a custom app; needed by the actions. */
  accessToken: z.string().min(1).optional(),
  webhookSecret: webhookSecretSchema.optional().describe("The app's client secret (signs webhooks)"),
});

export type ShopifyConfig = z.infer<typeof shopifyConfig>;
export type ShopifySecrets = z.infer<typeof shopifySecrets>;

/** Shopify's numeric resource ids (64-bit; JSON numbers up to 2^53 in practice). */
export const shopifyId = z.number().int().positive();
