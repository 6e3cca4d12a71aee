/** Shopify's webhook trigger. */
import { shopifyWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: shopifyWebhookTrigger };
