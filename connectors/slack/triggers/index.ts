/** Slack's webhook trigger (the endpoint uses the trigger named `webhook`). */
import { slackWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: slackWebhookTrigger };
