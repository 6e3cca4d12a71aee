/**
 * A SendGrid v3 fake in SendGrid's wire format: Mail Send answers 202 with an empty
 * body and `X-Message-Id`, or 400 with `{ errors: [{ message, field, help }] }`;
 * `GET /v3/scopes` lists the key's scopes.
 */
import { createHash } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';

const bad = (message: string, field: string | null): FakeResponse => ({ status: 400, body: { errors: [{ message, field, help: null }] } });

export function sendgridResponder(scopes: string[] = ['mail.send', 'alerts.read']) {
  return (req: FakeRequest): FakeResponse => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'GET' && path === '/v3/scopes') return { body: { scopes } };
    if (req.method === 'POST' && path === '/v3/mail/send') {
      const m = (req.json ?? {}) as { personalizations?: { to?: unknown[] }[]; from?: { email?: string }; subject?: string; content?: unknown[]; template_id?: string };
      if (!m.personalizations?.[0]?.to?.length) return bad('The to array is required for all personalization objects, and must have at least one email object with a valid email address.', 'personalizations.0.to');
      if (!m.from?.email) return bad('The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.', 'from');
      if (m.from.email.endsWith('@unverified.example')) return { status: 403, body: { errors: [{ message: 'The from address does not match a verified Sender Identity.', field: 'from', help: null }] } };
      if (!m.subject && !m.template_id) return bad('The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.', 'subject');
      if (!m.content?.length && !m.template_id) return bad('Unless a valid template_id is provided, the content parameter is required.', 'content');
      return { status: 202, headers: { 'x-message-id': createHash('sha1').update(req.body).digest('base64url').slice(0, 22) } };
    }
    return { status: 404, body: { errors: [{ field: null, message: 'resource not found' }] } };
  };
}
