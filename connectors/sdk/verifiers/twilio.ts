import { createHash } from 'node:crypto';
import { anyEqual, constantTimeEqual, fail, headerValue, hmacDigest, OK, secretList, type SecretInput } from './common.ts';
import type { VerifyResult, WebhookRequest } from '../types.ts';

/**
 * The string Twilio signs for a form POST: the URL, then each parameter's name and value, sorted.
 *
 * @example
 * twilioSignedString('https://sb.example/webhooks/twilio/conn_1', [['Body', 'hi'], ['From', '+15550001']]) // URL + 'Bodyhi' + 'From+15550001'
 */
export function twilioSignedString(url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return sorted.reduce((acc, [k, v]) => acc + k + v, url);
}

/** The URL with and without its default port: Twilio may have signed either form. */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const withoutPort = new URL(parsed.href);
  withoutPort.port = '';
  const withPort = `${parsed.protocol}//${parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : ''}${parsed.hostname}:${parsed.port || defaultPort}${parsed.pathname}${parsed.search}`;
  return [...new Set([url, withoutPort.href, withPort])];
}

function isJson(req: Pick<WebhookRequest, 'headers'>): boolean {
  return /^application\/(?:[\w.+-]+\+)?json/i.test(headerValue(req, 'content-type') ?? '');
}

/**
 * Verifies `X-Twilio-Signature` (base64 HMAC-SHA1 with the auth token). Form posts:
 * over the public URL plus the sorted form parameters. JSON posts: over the URL, whose
 * `bodySHA256` query parameter must equal the SHA-256 (hex) of the body.
 *
 * @param url the full public URL Twilio called, query string included.
 *
 * @example
 * verify: (req, ctx) => verifyTwilioSignature(req, secretList(ctx.secrets.authToken))
 */
export function verifyTwilioSignature(req: Pick<WebhookRequest, 'headers' | 'rawBody' | 'url'>, secrets: SecretInput): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no auth token configured');
  const signature = headerValue(req, 'x-twilio-signature');
  if (!signature) return fail('missing X-Twilio-Signature');
  let params: [string, string][] = [];
  if (isJson(req)) {
    let bodySha: string | null;
    try {
      bodySha = new URL(req.url).searchParams.get('bodySHA256');
    } catch {
      return fail('malformed URL');
    }
    if (!bodySha) return fail('missing bodySHA256 for a JSON body');
    const actual = createHash('sha256').update(req.rawBody).digest('hex');
    if (!constantTimeEqual(bodySha.toLowerCase(), actual)) return fail('body hash mismatch');
  } else {
    params = [...new URLSearchParams(req.rawBody.toString('utf8'))];
  }
  const expected = urlVariants(req.url).flatMap((u) => {
    const signed = twilioSignedString(u, params);
    return keys.map((k) => hmacDigest('sha1', k, signed).toString('base64'));
  });
  return anyEqual([signature], expected) ? OK : fail('signature mismatch');
}

/**
 * The `X-Twilio-Signature` Twilio would send for a form POST to `url`.
 *
 * @example
 * const headers = { 'x-twilio-signature': signTwilioRequest(url, { Body: 'hi', From: '+15550001' }, authToken) };
 */
export function signTwilioRequest(url: string, params: Record<string, string>, authToken: string): string {
  return hmacDigest('sha1', authToken, twilioSignedString(url, Object.entries(params))).toString('base64');
}
