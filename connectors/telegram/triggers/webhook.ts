import { defineTrigger, eventTypeOf, parseJsonObject, secretList, verifyTelegramSecretToken, bodySha256, type WebhookRequest } from '../../sdk/index.ts';

const updateOf = (req: WebhookRequest): Record<string, unknown> => parseJsonObject(req, 'update');

/**
 * Telegram bot updates: `X-Telegram-Bot-Api-Secret-Token` must equal `webhookSecret`
 * (the `secret_token` of setWebhook); delivery id = `update_id`; type
 * `telegram.<update kind>` (`telegram.message`, `telegram.callback_query`, …).
 */
export const telegramWebhookTrigger = defineTrigger({
  description: 'Receives Telegram bot updates set up with setWebhook and a secret token.',
  events: ['telegram.*'],
  contentTypes: ['application/json'],
  verify: (req, ctx) => verifyTelegramSecretToken(req, secretList(ctx.secrets['webhookSecretToken'])),
  deliveryId(req) {
    try {
      const id = updateOf(req)['update_id'];
      return typeof id === 'number' || typeof id === 'string' ? String(id) : bodySha256(req);
    } catch {
      return bodySha256(req);
    }
  },
  toEvent(req) {
    const payload = updateOf(req);
    const kind = Object.keys(payload).find((k) => k !== 'update_id');
    return { type: eventTypeOf('telegram', kind ?? 'unknown'), payload };
  },
});
