/** `twilio`: SMS through the REST API, and verified Twilio callbacks. */
import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { sendSms } from './actions/send-sms.ts';
import { callTwilio } from './client.ts';
import { twilioConfig, twilioSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

export default defineConnector({
  key: 'twilio',
  displayName: 'Twilio',
  version: '1.1.0',
  description: 'Send SMS through the Twilio REST API (Account SID + auth token); SMS and voice callbacks delivered as webhooks.',
  config: twilioConfig,
  secrets: twilioSecrets,
  actions: { send_sms: sendSms },
  triggers,
  async test(ctx) {
    // The auth token alone verifies callbacks; the API needs the account SID too.
    if (!ctx.config.accountSid?.trim()) return notTested(`${WEBHOOK_ONLY_REASON} (the API needs config.accountSid)`);
    const account = await callTwilio<{ friendly_name?: string; status?: string }>(ctx, 'GET', '');
    const name = account && typeof account === 'object' && account.friendly_name ? `"${account.friendly_name}"` : 'the account';
    return { ok: true, message: `authenticated to ${name}${account?.status ? ` (${account.status})` : ''}` };
  },
});
