import { anyEqual, fail, headerValue, hmacDigest, OK, secretList, type SecretInput, type SignedRequest } from './common.ts';
import type { VerifyResult } from '../types.ts';

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * Verifies GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
 *
 * @example
 * verifyGithubSignature({ headers: { 'x-hub-signature-256': sig }, rawBody }, webhookSecret)
 */
export function verifyGithubSignature(req: SignedRequest, secrets: SecretInput): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no webhook secret configured');
  const header = headerValue(req, 'x-hub-signature-256');
  if (!header) return fail('missing X-Hub-Signature-256');
  if (!SIGNATURE.test(header)) return fail('malformed X-Hub-Signature-256');
  const expected = keys.map((k) => `sha256=${hmacDigest('sha256', k, req.rawBody).toString('hex')}`);
  return anyEqual([header], expected) ? OK : fail('signature mismatch');
}

/**
 * The `X-Hub-Signature-256` value GitHub would send (tests, local senders).
 *
 * @example
 * const headers = { 'x-hub-signature-256': signGithubPayload(body, 'my-secret') };
 */
export function signGithubPayload(rawBody: string | Buffer, secret: string): string {
  return `sha256=${hmacDigest('sha256', secret, rawBody).toString('hex')}`;
}
