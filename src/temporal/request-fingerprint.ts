/**
 * Fingerprints of API requests that carry an `Idempotency-Key`. The fingerprint rides
 * in the workflow's memo, so a repeat of the key can be told apart from a reuse of the
 * key for a different request (answered `422 IDEMPOTENCY_KEY_REUSED`, as Stripe does).
 */
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** Memo field holding the request fingerprint of a keyed start. */
export const REQUEST_HASH_MEMO = 'switchboardRequestHash';

/** SHA-256 of the canonical JSON of `value` (object keys sorted), hex. */
export function requestHash(value: unknown): string {
  return createHash('sha256')
    .update(stringify(value ?? null) ?? 'null')
    .digest('hex');
}

