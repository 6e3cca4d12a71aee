import { bodySha256, defineTrigger, eventTypeOf, parseJsonObject, pickHeaders, secretList, verifyStripeSignature, type WebhookRequest } from '../../sdk/index.ts';

const eventOf = (req: WebhookRequest): { id?: unknown; type?: unknown } & Record<string, unknown> => parseJsonObject(req);

/**
 * Stripe webhooks: `Stripe-Signature` (300 s) with the endpoint secret `webhookSecret`;
 * delivery id = the Stripe event `id` (`evt_…`); type `stripe.<event type>`.
 */
export const stripeWebhookTrigger = defineTrigger({
  description: 'Receives Stripe events sent to a webhook endpoint.',
  events: ['stripe.*'],
  contentTypes: ['application/json'],
  verify: (req, ctx) => verifyStripeSignature(req, secretList(ctx.secrets['webhookSecret']), { now: ctx.now }),
  deliveryId(req) {
    try {
      const id = eventOf(req).id;
      return typeof id === 'string' && id ? id : bodySha256(req);
    } catch {
      return bodySha256(req);
    }
  },
  toEvent(req) {
    const payload = eventOf(req);
    return {
      type: eventTypeOf('stripe', typeof payload.type === 'string' ? payload.type : 'unknown'),
      payload,
      headers: pickHeaders(req, ['stripe-account']),
    };
  },
});
