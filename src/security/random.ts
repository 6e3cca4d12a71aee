import { randomBytes } from 'node:crypto';

/** A short URL-safe random id (128 bits). */
export function nanoid(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
