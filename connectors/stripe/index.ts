import { defineConnector } from '../sdk/index.ts';
import { createCustomer } from './actions/create-customer.ts';
import { callStripe } from './client.ts';
import { stripeConfig, stripeSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** Stripe: customers through the REST API, idempotent per step. */
export default defineConnector({
  key: 'stripe',
  displayName: 'Stripe',
  version: '1.0.0',
  description: 'Create Stripe customers with idempotency keys (secret key auth)',
  config: stripeConfig,
  secrets: stripeSecrets,
  actions: { create_customer: createCustomer },
  triggers,
  async test(ctx) {
    const b = await callStripe<{ livemode?: boolean }>(ctx, 'GET', '/v1/balance');
    return { ok: true, message: `authenticated (${b.livemode ? 'live' : 'test'} mode)` };
  },
});
