import { bodySha256, defineTrigger, eventTypeOf, fail, parseWebhookBody, secretList, verifyHmacSignature, verifyStandardWebhook, type WebhookRequest } from '../../sdk/index.ts';
import { webhookConfigSchema, type WebhookConfig } from '../config.ts';

function configOf(raw: unknown): WebhookConfig | undefined {
  const parsed = webhookConfigSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : undefined;
}

function typeOf(payload: unknown, field: string): string {
  const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[field] : undefined;
  return eventTypeOf('webhook', typeof value === 'string' && value ? value : 'received');
}

/**
 * Any sender: Standard Webhooks (default; `webhook-id`/`webhook-timestamp`/
 * `webhook-signature`, `whsec_` secrets) or a configured generic HMAC header. Secret
 * `signingSecret` (several for rotation). Type `webhook.<payload.type>` or `webhook.received`.
 */
export const genericWebhookTrigger = defineTrigger({
  description: 'Receives deliveries from any sender that signs with Standard Webhooks or an HMAC header.',
  events: ['webhook.*'],
  contentTypes: ['application/json', 'application/x-www-form-urlencoded', 'text/plain'],
  verify(req, ctx) {
    const config = configOf(ctx.config);
    if (!config) return fail('connection config is invalid');
    const secrets = secretList(ctx.secrets['signingSecret']);
    if (config.scheme === 'hmac') {
      if (!config.hmac) return fail('hmac scheme without settings');
      return verifyHmacSignature(req, secrets, config.hmac);
    }
    return verifyStandardWebhook(req, secrets, { now: ctx.now });
  },
  deliveryId(req: WebhookRequest, ctx) {
    const config = configOf(ctx.config);
    const header = config?.scheme === 'hmac' ? config.idHeader : 'webhook-id';
    return (header ? req.headers[header.toLowerCase()] : undefined) ?? bodySha256(req);
  },
  toEvent(req, ctx) {
    const config = configOf(ctx.config) ?? webhookConfigSchema.parse({});
    const payload = parseWebhookBody(req);
    return { type: typeOf(payload, config.typeField), payload };
  },
});
