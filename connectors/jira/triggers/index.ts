/** Jira's webhook trigger (the endpoint uses the trigger named `webhook`). */
import { jiraWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: jiraWebhookTrigger };
