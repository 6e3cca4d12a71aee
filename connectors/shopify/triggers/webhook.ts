import { bodySha256, defineTrigger, eventTypeOf, parseJsonBody, pickHeaders, secretList, verifyShopifyHmac } from '../../sdk/index.ts';

/**
 * Shopify webhooks: `X-Shopify-Hmac-Sha256` (base64) with the app secret
 * `webhookSecret`; delivery id `X-Shopify-Event-Id` (else `X-Shopify-Webhook-Id`);
 * type from `X-Shopify-Topic` (`orders/create` → `shopify.orders.create`).
 */
export const shopifyWebhookTrigger = defineTrigger({
  description: 'Receives Shopify webhook topics (orders, products, customers, …).',
  events: ['shopify.*'],
  contentTypes: ['application/json'],
  verify: (req, ctx) => verifyShopifyHmac(req, secretList(ctx.secrets['webhookSecret'])),
  deliveryId: (req) => req.headers['x-shopify-event-id'] ?? req.headers['x-shopify-webhook-id'] ?? bodySha256(req),
  toEvent(req) {
    return {
      type: eventTypeOf('shopify', req.headers['x-shopify-topic'] ?? 'unknown'),
      payload: parseJsonBody(req),
      headers: pickHeaders(req, ['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-api-version', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at']),
    };
  },
});
