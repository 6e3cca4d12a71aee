/** Twilio's webhook trigger. */
import { twilioWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: twilioWebhookTrigger };
