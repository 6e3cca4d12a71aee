import { hmacDigest, verifySignatureHeader, type SecretInput, type SignedRequest } from './common.ts';
import type { VerifyResult } from '../types.ts';

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Verifies `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the body with the app's secret.
 *
 * @example
 * verify: (req, ctx) => verifyShopifyHmac(req, secretList(ctx.secrets.webhookSecret))
 */
export function verifyShopifyHmac(req: SignedRequest, secrets: SecretInput): VerifyResult {
  return verifySignatureHeader(req, secrets, { name: 'x-shopify-hmac-sha256', label: 'X-Shopify-Hmac-Sha256', format: BASE64_SHA256 }, (k) => hmacDigest('sha256', k, req.rawBody).toString('base64'));
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
