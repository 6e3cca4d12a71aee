import { anyEqual, checkTimestamp, fail, headerValue, hmacDigest, OK, secretList, type SecretInput, type SignedRequest, type TimestampOptions } from './common.ts';
import type { VerifyResult } from '../types.ts';

/**
 * Standard Webhooks' tolerance: five minutes either way.
 *
 * @example
 * checkTimestamp(headerValue(req, 'webhook-timestamp'), opts, STANDARD_WEBHOOKS_TOLERANCE_SECONDS)
 */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 300;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The key bytes of a Standard Webhooks secret (`whsec_<base64>`), or undefined when malformed.
 *
 * @example
 * standardWebhooksKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') // the decoded key bytes
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!BASE64.test(b64)) return undefined;
  const key = Buffer.from(b64, 'base64');
  return key.length > 0 ? key : undefined;
}

/**
 * Verifies a Standard Webhooks delivery (https://www.standardwebhooks.com):
 * `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `<webhook-id>.<webhook-timestamp>.<body>`; the timestamp must be digits within ±5 minutes.
 *
 * @example
 * verifyStandardWebhook(req, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
 */
export function verifyStandardWebhook(req: SignedRequest, secrets: SecretInput, opts: TimestampOptions = {}): VerifyResult {
  const keys = secretList(secrets).map(standardWebhooksKey).filter((k): k is Buffer => k !== undefined);
  if (keys.length === 0) return fail('no valid signing secret configured');
  const id = headerValue(req, 'webhook-id');
  const timestamp = headerValue(req, 'webhook-timestamp');
  const signature = headerValue(req, 'webhook-signature');
  if (!id || !signature) return fail('missing webhook-id or webhook-signature');
  const stale = checkTimestamp(timestamp, opts, STANDARD_WEBHOOKS_TOLERANCE_SECONDS);
  if (stale) return fail(stale);
  const candidates = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  if (candidates.length === 0) return fail('no v1 signature');
  const expected = keys.map((k) => hmacDigest('sha256', k, `${id}.${timestamp}.`, req.rawBody).toString('base64'));
  return anyEqual(candidates, expected) ? OK : fail('signature mismatch');
}

/**
 * The `webhook-signature` value a Standard Webhooks sender would send.
 *
 * @example
 * const signature = signStandardWebhook({ id: 'msg_1', timestamp: Math.floor(Date.now() / 1000), rawBody: body, secret: 'whsec_…' }); // 'v1,<base64>'
 */
export function signStandardWebhook(input: { id: string; timestamp: number; rawBody: string | Buffer; secret: string }): string {
  const key = standardWebhooksKey(input.secret);
  if (!key) throw new TypeError('invalid Standard Webhooks secret');
  return `v1,${hmacDigest('sha256', key, `${input.id}.${input.timestamp}.`, input.rawBody).toString('base64')}`;
}
