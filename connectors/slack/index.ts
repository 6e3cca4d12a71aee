import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { sendMessage } from './actions/send-message.ts';
import { sendNotification } from './actions/send-notification.ts';
import { uploadFile } from './actions/upload-file.ts';
import { callSlack, checkIncomingWebhook } from './client.ts';
import { slackConfig, slackSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** Slack: messages and file uploads through the Web API (messages also through the incoming webhook without a bot token), notifications through the incoming webhook. */
export default defineConnector({
  key: 'slack',
  displayName: 'Slack',
  version: '1.0.0',
  description: 'Send Slack messages (bot token or incoming webhook), notifications (incoming webhook) and files (bot token)',
  config: slackConfig,
  secrets: slackSecrets,
  actions: { send_message: sendMessage, send_notification: sendNotification, upload_file: uploadFile },
  triggers,
  // Slack's documented limit for chat.postMessage: 1 message per second per channel
  // (https://api.slack.com/methods/chat.postMessage#rate_limiting); a connection's
  // config.rateLimit overrides it.
  rateLimit: { requests: 1, per: '1s' },
  async test(ctx) {
    const { botToken, incomingWebhookUrl } = ctx.secrets;
    if (!botToken && !incomingWebhookUrl) return ctx.secrets.signingSecret ? notTested(WEBHOOK_ONLY_REASON) : { ok: false, message: 'no botToken, incomingWebhookUrl or signingSecret' };
    const results: { ok: boolean; message: string }[] = [];
    if (botToken) {
      const res = await callSlack<{ team?: string; user?: string }>(ctx, 'auth.test', {});
      results.push({ ok: true, message: `authenticated as ${res.user ?? 'bot'} in ${res.team ?? 'workspace'}` });
    }
    if (incomingWebhookUrl) results.push(await checkIncomingWebhook(ctx, incomingWebhookUrl));
    return { ok: results.every((r) => r.ok), message: results.map((r) => r.message).join('; ') };
  },
});
