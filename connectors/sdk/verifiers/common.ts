/**
 * Building blocks shared by the webhook signature verifiers: constant-time
 * comparison, HMAC helpers, rotation-aware secret lists and timestamp windows.
 * Nothing here throws on malformed input: a verifier answers `{ ok: false }`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from '../types.ts';

/**
 * HMAC digests the verifiers support.
 *
 * @example
 * const algorithm: HmacAlgorithm = 'sha256';
 */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
/**
 * How a digest is written into a header.
 *
 * @example
 * const encoding: DigestEncoding = 'base64';
 */
export type DigestEncoding = 'hex' | 'base64';

/**
 * The parts of a delivery a signature covers.
 *
 * @example
 * const signed: SignedRequest = { headers: req.headers, rawBody: req.rawBody };
 */
export type SignedRequest = Pick<WebhookRequest, 'headers' | 'rawBody'>;

/**
 * One secret (a string, commas and all) or several while rotating (an array).
 *
 * @example
 * verifyStripeSignature(req, ['whsec_new', 'whsec_old']); // both accepted while rotating
 */
export type SecretInput = string | readonly string[] | undefined | null;

/**
 * Options every timestamped scheme accepts.
 *
 * @example
 * verifySlackSignature(req, secret, { now: () => Date.now(), toleranceSeconds: 300 })
 */
export interface TimestampOptions {
  /** Time to check the timestamp against (default: now). */
  now?: Date;
  /** Allowed clock difference in seconds, both directions. */
  toleranceSeconds?: number;
}

/**
 * The successful {@link VerifyResult}.
 *
 * @example
 * return constantTimeEqual(given, expected) ? OK : fail('signature mismatch');
 */
export const OK: VerifyResult = { ok: true };
/**
 * A failed {@link VerifyResult} with the reason (logged, never sent to the caller).
 *
 * @example
 * return fail('missing X-Acme-Signature header');
 */
export const fail = (reason: string): VerifyResult => ({ ok: false, reason });

/**
 * The secrets of a connection as a list. Several secrets are valid at once while a
 * sender rotates: any one of them may have signed a delivery. Only an array is a
 * list: a string is one secret even when it contains commas (splitting it would let
 * each short piece verify on its own).
 *
 * @example
 * secretList(['old', 'new']) // ['old', 'new']
 * secretList('k,long-secret') // ['k,long-secret']
 */
export function secretList(input: SecretInput | unknown): string[] {
  const items = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  return items.filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter(Boolean);
}

/**
 * Compares two strings or byte strings in time independent of where they differ.
 * Different lengths answer false (after a same-length comparison, so the timing
 * does not depend on the content either); never throws.
 *
 * @example
 * constantTimeEqual(headerValue(req, 'x-token') ?? '', secret)
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/**
 * HMAC of `data` (parts are concatenated) under `key`.
 *
 * @example
 * hmacDigest('sha256', secret, timestamp, '.', req.rawBody).toString('hex')
 */
export function hmacDigest(algorithm: HmacAlgorithm, key: string | Buffer, ...data: (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of data) mac.update(part);
  return mac.digest();
}

/**
 * A header value (names are lower-case in a {@link WebhookRequest}).
 *
 * @example
 * const signature = headerValue(req, 'X-Hub-Signature-256');
 */
export function headerValue(req: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

const DIGITS = /^\d{1,15}$/;

/**
 * Checks a Unix timestamp in seconds (digits only) against the tolerance window.
 * Returns a failure reason, or undefined when the timestamp is acceptable.
 *
 * @example
 * const problem = checkTimestamp(headerValue(req, 'x-slack-request-timestamp'), opts, SLACK_TOLERANCE_SECONDS); if (problem) return fail(problem);
 */
export function checkTimestamp(value: string | undefined, opts: TimestampOptions, defaultToleranceSeconds: number): string | undefined {
  if (value === undefined) return 'missing timestamp';
  if (!DIGITS.test(value)) return 'malformed timestamp';
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const tolerance = opts.toleranceSeconds ?? defaultToleranceSeconds;
  if (Math.abs(now - Number(value)) > tolerance) return 'timestamp outside tolerance';
  return undefined;
}

/**
 * True when any candidate equals any expected value (all pairs are compared: no early exit on a match per secret).
 *
 * @example
 * anyEqual(['v1=abc', 'v1=def'], ['v1=def']) // true
 */
export function anyEqual(candidates: readonly string[], expected: readonly string[]): boolean {
  let matched = false;
  for (const c of candidates) for (const e of expected) if (constantTimeEqual(c, e)) matched = true;
  return matched;
}

/**
 * Verifies a header that holds one signature of the body in a strict format, against
 * every secret: `sign(secret)` is the value that secret would produce.
 *
 * @example
 * verifySignatureHeader(req, secrets, { name: 'x-acme-signature', label: 'X-Acme-Signature', format: /^[0-9a-f]{64}$/ },
 *   (k) => hmacDigest('sha256', k, req.rawBody).toString('hex'))
 */
export function verifySignatureHeader(
  req: SignedRequest,
  secrets: SecretInput,
  header: { name: string; label: string; format: RegExp },
  sign: (secret: string) => string,
): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no webhook secret configured');
  const value = headerValue(req, header.name);
  if (!value) return fail(`missing ${header.label}`);
  if (!header.format.test(value)) return fail(`malformed ${header.label}`);
  return anyEqual([value], keys.map(sign)) ? OK : fail('signature mismatch');
}
