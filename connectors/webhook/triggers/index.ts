/** The generic webhook trigger (Standard Webhooks or HMAC). */
import { genericWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: genericWebhookTrigger };
