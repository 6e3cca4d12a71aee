/** Telegram's webhook trigger (the endpoint uses the trigger named `webhook`). */
import { telegramWebhookTrigger } from './webhook.ts';

export const triggers = { webhook: telegramWebhookTrigger };
