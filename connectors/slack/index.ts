import { defineConnector } from '../sdk/index.ts';
import { sendMessage } from './actions/send-message.ts';
import { sendNotification } from './actions/send-notification.ts';
import { callSlack } from './client.ts';
import { slackConfig, slackSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** Slack: messages through the Web API (or the incoming webhook without a bot token), notifications through the incoming webhook. */
export default defineConnector({
  key: 'slack',
  displayName: 'Slack',
  version: '1.0.0',
  description: 'Send Slack messages (bot token or incoming webhook) and notifications (incoming webhook)',
  config: slackConfig,
  secrets: slackSecrets,
  actions: { send_message: sendMessage, send_notification: sendNotification },
  triggers,
  async test(ctx) {
    if (!ctx.secrets.botToken) return { ok: !!ctx.secrets.incomingWebhookUrl, message: ctx.secrets.incomingWebhookUrl ? 'incoming webhook configured (not called)' : 'no botToken or incomingWebhookUrl' };
    const res = await callSlack<{ team?: string; user?: string }>(ctx, 'auth.test', {});
    return { ok: true, message: `authenticated as ${res.user ?? 'bot'} in ${res.team ?? 'workspace'}` };
  },
});
