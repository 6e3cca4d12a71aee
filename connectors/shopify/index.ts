/** `shopify`: verified Shopify webhooks and Admin REST API actions (orders, fulfillments). */
import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { createFulfillment } from './actions/create-fulfillment.ts';
import { getOrder } from './actions/get-order.ts';
import { callShopify } from './client.ts';
import { shopifyConfig, shopifySecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

export default defineConnector({
  key: 'shopify',
  displayName: 'Shopify',
  version: '1.0.0',
  description: 'Shopify store events delivered as webhooks; read orders and create fulfillments (Admin REST API, access token).',
  config: shopifyConfig,
  secrets: shopifySecrets,
  actions: { get_order: getOrder, create_fulfillment: createFulfillment },
  triggers,
  async test(ctx) {
    if (!ctx.secrets.accessToken) return ctx.secrets.webhookSecret ? notTested(WEBHOOK_ONLY_REASON) : { ok: false, message: 'no accessToken or webhookSecret' };
    const { shop } = await callShopify<{ shop: { name: string; myshopify_domain: string } }>(ctx, 'GET', '/shop.json');
    return { ok: true, message: `authenticated to ${shop?.name ?? 'the shop'} (${shop?.myshopify_domain ?? 'unknown domain'})` };
  },
});
