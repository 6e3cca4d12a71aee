import { anyEqual, checkTimestamp, fail, headerValue, hmacDigest, OK, secretList, type SecretInput, type SignedRequest, type TimestampOptions } from './common.ts';
import type { VerifyResult } from '../types.ts';

/**
 * Slack's replay window.
 *
 * @example
 * checkTimestamp(timestamp, opts, SLACK_TOLERANCE_SECONDS)
 */
export const SLACK_TOLERANCE_SECONDS = 300;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * Verifies Slack's v0 scheme: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">`
 * with `X-Slack-Request-Timestamp` within 300 s.
 *
 * @example
 * verify: (req, ctx) => verifySlackSignature(req, secretList(ctx.secrets.signingSecret), { now: ctx.now })
 */
export function verifySlackSignature(req: SignedRequest, secrets: SecretInput, opts: TimestampOptions = {}): VerifyResult {
  const keys = secretList(secrets);
  if (keys.length === 0) return fail('no signing secret configured');
  const signature = headerValue(req, 'x-slack-signature');
  const timestamp = headerValue(req, 'x-slack-request-timestamp');
  if (!signature) return fail('missing X-Slack-Signature');
  if (!SIGNATURE.test(signature)) return fail('malformed X-Slack-Signature');
  const stale = checkTimestamp(timestamp, opts, SLACK_TOLERANCE_SECONDS);
  if (stale) return fail(stale);
  const expected = keys.map((k) => `v0=${hmacDigest('sha256', k, `v0:${timestamp}:`, req.rawBody).toString('hex')}`);
  return anyEqual([signature], expected) ? OK : fail('signature mismatch');
}

/**
 * The `X-Slack-Signature` value Slack would send.
 *
 * @example
 * const ts = Math.floor(Date.now() / 1000); const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(body, secret, ts) };
 */
export function signSlackPayload(rawBody: string | Buffer, secret: string, timestamp: number): string {
  return `v0=${hmacDigest('sha256', secret, `v0:${timestamp}:`, rawBody).toString('hex')}`;
}
