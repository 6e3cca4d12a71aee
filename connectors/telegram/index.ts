import { defineConnector } from '../sdk/index.ts';
import { sendMessage } from './actions/send-message.ts';
import { callTelegram } from './client.ts';
import { telegramConfig, telegramSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** Telegram: bot messages through the Bot API. */
export default defineConnector({
  key: 'telegram',
  displayName: 'Telegram',
  version: '1.0.0',
  description: 'Send Telegram messages from a bot (Bot API token)',
  config: telegramConfig,
  secrets: telegramSecrets,
  actions: { send_message: sendMessage },
  triggers,
  async test(ctx) {
    const me = await callTelegram<{ username?: string }>(ctx, 'getMe', {});
    return { ok: true, message: `authenticated as @${me.username ?? 'bot'}` };
  },
});
