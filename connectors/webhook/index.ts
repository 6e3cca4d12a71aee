/**
 * `webhook`: receive signed deliveries from any sender (Standard Webhooks or a
 * configurable HMAC header). It has no actions; outbound calls use the `http` connector.
 */
import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { webhookConfigSchema, webhookSecretsSchema } from './config.ts';
import { triggers } from './triggers/index.ts';

export default defineConnector({
  key: 'webhook',
  displayName: 'Webhook',
  version: '1.0.0',
  description: 'Inbound webhooks signed with Standard Webhooks or a generic HMAC header.',
  config: webhookConfigSchema,
  secrets: webhookSecretsSchema,
  actions: {},
  triggers,
  // Inbound only: the signing secret is checked on each delivery, there is no provider API.
  test: () => Promise.resolve(notTested(WEBHOOK_ONLY_REASON)),
});
