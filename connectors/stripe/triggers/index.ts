/** Stripe's webhook trigger (the endpoint uses the trigger named `webhook`). */
import { stripeWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: stripeWebhookTrigger };
