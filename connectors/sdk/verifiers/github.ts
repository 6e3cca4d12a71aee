import { hmacDigest, verifySignatureHeader, type SecretInput, type SignedRequest } from './common.ts';
import type { VerifyResult } from '../types.ts';

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * Verifies GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
 *
 * @example
 * verifyGithubSignature({ headers: { 'x-hub-signature-256': sig }, rawBody }, webhookSecret)
 */
export function verifyGithubSignature(req: SignedRequest, secrets: SecretInput): VerifyResult {
  return verifySignatureHeader(req, secrets, { name: 'x-hub-signature-256', label: 'X-Hub-Signature-256', format: SIGNATURE }, (k) => `sha256=${hmacDigest('sha256', k, req.rawBody).toString('hex')}`);
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
