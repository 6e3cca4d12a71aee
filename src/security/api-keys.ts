/**
 * API keys: `sb_<prefix>_<secret>`, 192 random bits. Only the SHA-256 of the whole
 * key is stored (a fast hash is right for high-entropy tokens); lookups are by hash,
 * so there is no per-key comparison to time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `sb_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time equality of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
