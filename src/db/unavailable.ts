/**
 * Recognising "the database is down or not answering" in an error an ORM call throws, so
 * the API answers `503 DATABASE_UNAVAILABLE` with `Retry-After` in one place (the error
 * middleware) instead of a 500 — the request was fine, the database was not there.
 */
import { ConnectionException } from '@mikro-orm/core';

/** Seconds a caller should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Socket errors of a refused, reset or timed-out connection, and PostgreSQL's SQLSTATEs of
 * class 08 (connection exception), 57P01–57P03 (the server shutting down or starting) and
 * 53300 (too many connections).
 */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** What node-postgres says when a connection ends under a query or cannot be had in time (these carry no code). */
const UNAVAILABLE_MESSAGE = /Connection terminated|Connection ended unexpectedly|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** True when `err` (or an error in its `cause` chain) says the database is unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ConnectionException) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  }
  return false;
}
