import { nanoid } from '../security/random.ts';

/** Prefixed, URL-safe random ids: `conn_3kT9…` (96 random bits). */
export function newId(prefix: string): string {
  return `${prefix}_${nanoid(12)}`;
}
