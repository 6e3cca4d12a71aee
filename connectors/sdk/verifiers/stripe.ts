import { anyEqual, checkTimestamp, fail, headerValue, hmacDigest, OK, secretList, type SecretInput, type SignedRequest, type TimestampOptions } from './common.ts';
import type { VerifyResult } from '../types.ts';

/**
 * Stripe's default tolerance.
 *
 * @example
 * verifyStripeSignature(req, secret, { toleranceSeconds: STRIPE_TOLERANCE_SECONDS })
 */
export const STRIPE_TOLERANCE_SECONDS = 300;

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Verifies `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`: HMAC-SHA256 of
 * `<t>.<body>` with the endpoint secret (`whsec_…`, used as-is). Any matching `v1`
 * accepts; the timestamp must be within 300 s.
 *
 * @example
 * verify: (req, ctx) => verifyStripeSignature(req, secretList(ctx.secrets.webhookSecret), { now: ctx.now })
 */
export function verifyStripeSignature(req: SignedRequest, secrets: SecretInput, opts: TimestampOptions = {}): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no webhook secret configured');
  const header = headerValue(req, 'stripe-signature');
  if (!header) return fail('missing Stripe-Signature');
  let timestamp: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1' && HEX64.test(value)) v1.push(value);
  }
  if (v1.length === 0) return fail('no v1 signature');
  const stale = checkTimestamp(timestamp, opts, STRIPE_TOLERANCE_SECONDS);
  if (stale) return fail(stale);
  const expected = keys.map((k) => hmacDigest('sha256', k, `${timestamp}.`, req.rawBody).toString('hex'));
  return anyEqual(v1, expected) ? OK : fail('signature mismatch');
}

/**
 * The `Stripe-Signature` value Stripe would send.
 *
 * @example
 * const headers = { 'stripe-signature': signStripePayload(body, 'whsec_test', Math.floor(Date.now() / 1000)) };
 */
export function signStripePayload(rawBody: string | Buffer, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacDigest('sha256', secret, `${timestamp}.`, rawBody).toString('hex')}`;
}
