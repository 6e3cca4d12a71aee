import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { createCustomer } from './actions/create-customer.ts';
import { createPaymentIntent } from './actions/create-payment-intent.ts';
import { createRefund } from './actions/create-refund.ts';
import { retrieveEvent } from './actions/retrieve-event.ts';
import { callStripe } from './client.ts';
import { stripeConfig, stripeSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** Stripe: customers, payment intents, refunds and events through the REST API, idempotent per step. */
export default defineConnector({
  key: 'stripe',
  displayName: 'Stripe',
  version: '1.0.0',
  description: 'Create customers, payment intents and refunds, retrieve events, with idempotency keys (secret key auth)',
  config: stripeConfig,
  secrets: stripeSecrets,
  actions: { create_customer: createCustomer, create_payment_intent: createPaymentIntent, create_refund: createRefund, retrieve_event: retrieveEvent },
  triggers,
  async test(ctx) {
    if (!ctx.secrets.apiKey) return ctx.secrets.webhookSecret ? notTested(WEBHOOK_ONLY_REASON) : { ok: false, message: 'no apiKey or webhookSecret' };
    const b = await callStripe<{ livemode?: boolean }>(ctx, 'GET', '/v1/balance');
    return { ok: true, message: `authenticated (${b.livemode ? 'live' : 'test'} mode)` };
  },
});
