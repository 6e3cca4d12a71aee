/** `shopify`: verified Shopify webhooks (actions come with the connectors work). */
import { z } from 'zod';
import { defineConnector, webhookConfigShape } from '../sdk/index.ts';
import { triggers } from './triggers/index.ts';

export default defineConnector({
  key: 'shopify',
  displayName: 'Shopify',
  version: '1.0.0',
  description: 'Shopify store events delivered as webhooks.',
  config: z.object({ ...webhookConfigShape, shopDomain: z.string().optional() }),
  secrets: z.object({
    webhookSecret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe("The app's client secret (signs webhooks)"),
  }),
  actions: {},
  triggers,
});
