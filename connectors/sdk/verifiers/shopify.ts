import { anyEqual, fail, headerValue, hmacDigest, OK, secretList, type SecretInput, type SignedRequest } from './common.ts';
import type { VerifyResult } from '../types.ts';

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Verifies `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the body with the app's secret.
 *
 * @example
 * verify: (req, ctx) => verifyShopifyHmac(req, secretList(ctx.secrets.webhookSecret))
 */
export function verifyShopifyHmac(req: SignedRequest, secrets: SecretInput): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no webhook secret configured');
  const header = headerValue(req, 'x-shopify-hmac-sha256');
  if (!header) return fail('missing X-Shopify-Hmac-Sha256');
  if (!BASE64_SHA256.test(header)) return fail('malformed X-Shopify-Hmac-Sha256');
  const expected = keys.map((k) => hmacDigest('sha256', k, req.rawBody).toString('base64'));
  return anyEqual([header], expected) ? OK : fail('signature mismatch');
}

/**
 * The `X-Shopify-Hmac-Sha256` value Shopify would send.
 *
 * @example
 * const headers = { 'x-shopify-hmac-sha256': signShopifyPayload(body, 'shpss_secret') };
 */
export function signShopifyPayload(rawBody: string | Buffer, secret: string): string {
  return hmacDigest('sha256', secret, rawBody).toString('base64');
}
