import { anyEqual, fail, headerValue, hmacDigest, OK, secretList, type DigestEncoding, type HmacAlgorithm, type SecretInput, type SignedRequest } from './common.ts';
import type { VerifyResult } from '../types.ts';

/**
 * Where and how a sender puts an HMAC of the body.
 *
 * @example
 * verifyHmacSignature(req, secrets, { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' })
 */
export interface HmacSchemeOptions {
  /** Header carrying the signature (case-insensitive), e.g. `x-signature`. */
  header: string;
  algorithm: HmacAlgorithm;
  encoding: DigestEncoding;
  /** Text before the digest, e.g. `sha256=` (default none). */
  prefix?: string;
}

/**
 * Verifies a generic HMAC signature of the raw body, for senders without a named
 * scheme. Several comma- or space-separated signatures in the header are allowed.
 *
 * @example
 * verifyHmacSignature(req, secrets, { header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' })
 */
export function verifyHmacSignature(req: SignedRequest, secrets: SecretInput, opts: HmacSchemeOptions): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no signing secret configured');
  const header = headerValue(req, opts.header);
  if (!header) return fail(`missing ${opts.header}`);
  const prefix = opts.prefix ?? '';
  const candidates = header
    .split(/[\s,]+/)
    .filter((s) => s.startsWith(prefix))
    .map((s) => s.slice(prefix.length));
  if (candidates.length === 0) return fail(`malformed ${opts.header}`);
  const expected = keys.map((k) => hmacDigest(opts.algorithm, k, req.rawBody).toString(opts.encoding));
  // Hex digests are compared case-insensitively (senders differ); base64 is exact.
  const normalise = (s: string) => (opts.encoding === 'hex' ? s.toLowerCase() : s);
  return anyEqual(candidates.map(normalise), expected) ? OK : fail('signature mismatch');
}

/**
 * The header value a sender using the scheme would send.
 *
 * @example
 * signHmacPayload('{}', 'my-secret', { algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }) // 'sha256=…'
 */
export function signHmacPayload(rawBody: string | Buffer, secret: string, opts: Omit<HmacSchemeOptions, 'header'>): string {
  return `${opts.prefix ?? ''}${hmacDigest(opts.algorithm, secret, rawBody).toString(opts.encoding)}`;
}
