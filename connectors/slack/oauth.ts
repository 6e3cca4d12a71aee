import { z } from 'zod';
import { defineConnector, oauth2, oauthSecrets, withAccessTokenAs } from '../sdk/index.ts';
import { sendMessage } from './actions/send-message.ts';
import { uploadFile } from './actions/upload-file.ts';
import { callSlack } from './client.ts';

/**
 * Slack connected by consent (OAuth v2, "Add to Slack"): the bot token Slack grants runs the
 * `slack` connector's bot-token actions. With token rotation on, Slack's bot tokens expire
 * after 12 hours and are refreshed; without it they do not expire. Webhooks (events) stay on
 * `slack` connections (their signing secret is pasted).
 */
export default defineConnector({
  key: 'slack_oauth',
  displayName: 'Slack (OAuth)',
  version: '1.0.0',
  description: 'Send Slack messages and files with the bot token granted by "Add to Slack" (OAuth v2)',
  auth: oauth2({
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    // Bot scopes, comma-separated as Slack's consent URL wants them.
    scopes: ['chat:write', 'files:write'],
    scopeSeparator: ',',
    // oauth.v2.access answers `token_type: bot` for the bot token.
    tokenTypes: ['bot'],
  }),
  config: z.object({
    /** Web API base URL (tests point it at a local fake). */
    baseUrl: z.url().default('https://slack.com/api'),
  }),
  secrets: oauthSecrets,
  actions: withAccessTokenAs('botToken', { send_message: sendMessage, upload_file: uploadFile }),
  // Slack's documented limit for chat.postMessage: 1 message per second per channel.
  rateLimit: { requests: 1, per: '1s' },
  async test(ctx) {
    const res = await callSlack<{ team?: string; user?: string }>({ ...ctx, secrets: { botToken: ctx.secrets.accessToken } }, 'auth.test', {});
    return { ok: true, message: `authenticated as ${res.user ?? 'bot'} in ${res.team ?? 'workspace'}` };
  },
});
