import { anyEqual, fail, headerValue, OK, secretList, type SecretInput } from './common.ts';
import type { VerifyResult, WebhookRequest } from '../types.ts';

/**
 * Verifies `X-Telegram-Bot-Api-Secret-Token`, the `secret_token` given to `setWebhook`
 * (Telegram sends it verbatim; there is no body signature).
 *
 * @example
 * verify: (req, ctx) => verifyTelegramSecretToken(req, secretList(ctx.secrets.webhookSecretToken))
 */
export function verifyTelegramSecretToken(req: Pick<WebhookRequest, 'headers'>, secrets: SecretInput): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no secret token configured');
  const header = headerValue(req, 'x-telegram-bot-api-secret-token');
  if (!header) return fail('missing X-Telegram-Bot-Api-Secret-Token');
  return anyEqual([header], keys) ? OK : fail('secret token mismatch');
}
