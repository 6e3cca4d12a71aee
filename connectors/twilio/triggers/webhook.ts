import { bodySha256, defineTrigger, eventTypeOf, parseWebhookBody, pickHeaders, secretList, verifyTwilioSignature } from '../../sdk/index.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function fieldsOf(payload: unknown): Record<string, unknown> {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
}

/** The URL Twilio signed: the connection's `webhookUrl` when set (behind proxies), else the request's public URL. */
function signedUrl(reqUrl: string, config: Record<string, unknown>): string {
  const configured = str(config['webhookUrl']);
  if (!configured) return reqUrl;
  // Keep the query string Twilio added (bodySHA256) when the configured URL has none.
  const query = reqUrl.includes('?') && !configured.includes('?') ? reqUrl.slice(reqUrl.indexOf('?')) : '';
  return configured + query;
}

/**
 * Twilio messaging and voice callbacks: `X-Twilio-Signature` with `authToken`;
 * delivery id `I-Twilio-Idempotency-Token`, else MessageSid (with its status for
 * status callbacks), else the body hash. Types: `twilio.message.received`,
 * `twilio.message.<status>`, `twilio.call.<status>`.
 */
export const twilioWebhookTrigger = defineTrigger({
  description: 'Receives Twilio incoming-message, status and voice callbacks.',
  events: ['twilio.*'],
  verify: (req, ctx) => verifyTwilioSignature({ ...req, url: signedUrl(req.url, ctx.config) }, secretList(ctx.secrets['authToken'])),
  deliveryId(req) {
    const token = req.headers['i-twilio-idempotency-token'];
    if (token) return token;
    const f = fieldsOf(parseWebhookBody(req));
    const sid = str(f['MessageSid']);
    const status = str(f['MessageStatus']) ?? str(f['SmsStatus']);
    if (sid) return status && status !== 'received' ? `${sid}:${status}` : sid;
    return bodySha256(req);
  },
  toEvent(req) {
    const payload = parseWebhookBody(req);
    const f = fieldsOf(payload);
    let type = 'twilio.unknown';
    if (str(f['MessageSid'])) {
      const status = str(f['MessageStatus']) ?? str(f['SmsStatus']);
      type = !status || status === 'received' ? 'twilio.message.received' : eventTypeOf('twilio.message', status);
    } else if (str(f['CallSid'])) {
      type = eventTypeOf('twilio.call', str(f['CallStatus']) ?? 'unknown');
    }
    return { type, payload, headers: pickHeaders(req, ['i-twilio-idempotency-token']) };
  },
});
