import { defineConnector } from '../sdk/index.ts';
import { sendEmail } from './actions/send-email.ts';
import { callSendgrid } from './client.ts';
import { sendgridConfig, sendgridSecrets } from './schemas.ts';

/** SendGrid: email through the v3 Mail Send API. */
export default defineConnector({
  key: 'sendgrid',
  displayName: 'SendGrid',
  version: '1.0.0',
  description: 'Send email through the SendGrid v3 Mail Send API: text/html or dynamic templates, cc/bcc, attachments (API key auth)',
  config: sendgridConfig,
  secrets: sendgridSecrets,
  actions: { send_email: sendEmail },
  async test(ctx) {
    // GET /v3/scopes lists what the key may do: a cheap check of the key and of mail.send.
    const { body } = await callSendgrid<{ scopes?: unknown }>(ctx, 'GET', '/v3/scopes');
    const scopes = Array.isArray(body?.scopes) ? (body.scopes as string[]) : [];
    return scopes.includes('mail.send')
      ? { ok: true, message: `API key accepted (${scopes.length} scopes, mail.send included)` }
      : { ok: false, message: 'API key accepted but it lacks the mail.send scope' };
  },
});
