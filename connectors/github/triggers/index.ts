/** GitHub's webhook trigger (the endpoint uses the trigger named `webhook`). */
import { githubWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: githubWebhookTrigger };
