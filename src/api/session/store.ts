/**
 * Server-side console sessions. The cookie holds an opaque 256-bit token; the table
 * holds its SHA-256, the key the session acts with and a CSRF token. Each request
 * re-reads the key, so a revoked key (or a changed bootstrap key) ends its sessions.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { ApiKey, ConsoleSession } from '../../db/entities/index.ts';
import { newId } from '../../db/ids.ts';
import { hashApiKey, secretsEqual } from '../../security/api-keys.ts';
import type { Services } from '../../services.ts';
import type { Principal } from '../http.ts';
import { bootstrapPrincipal, keyPrincipal } from '../principal.ts';

export const SESSION_COOKIE = 'sb_session';
/** How long a console session lasts after sign-in. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/**
 * The `sb_session` value of the Cookie header. Reading one known cookie name does
 * not warrant a cookie-parser dependency; setting cookies uses Express's res.cookie.
 */
export function sessionTokenOf(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[\w-]{20,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Opens a session for a principal that signed in with `key`. */
export async function createSession(services: Services, principal: Principal, key: string): Promise<NewSession> {
  const em = services.orm.em.fork();
  const now = new Date();
  await em.nativeDelete(ConsoleSession, { expiresAt: { $lt: now } });
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  em.create(ConsoleSession, { id: newId('ses'), tokenHash: hashApiKey(token), apiKeyId: principal.id, keyHash: hashApiKey(key), csrfToken, createdAt: now, expiresAt });
  await em.flush();
  return { token, csrfToken, expiresAt };
}

/** The live session of a token and who it acts as, or undefined (unknown, expired, key revoked). */
export async function sessionPrincipal(services: Services, token: string): Promise<{ session: ConsoleSession; principal: Principal } | undefined> {
  const em = services.orm.em.fork();
  const session = await em.findOne(ConsoleSession, { tokenHash: hashApiKey(token), expiresAt: { $gt: new Date() } });
  if (!session) return undefined;
  if (session.apiKeyId === 'bootstrap') {
    const key = services.config.apiKey;
    return key && hashApiKey(key) === session.keyHash ? { session, principal: bootstrapPrincipal(services) } : undefined;
  }
  const key = await em.findOne(ApiKey, { id: session.apiKeyId, revokedAt: null });
  return key && key.hash === session.keyHash ? { session, principal: keyPrincipal(key) } : undefined;
}

export async function deleteSession(services: Services, token: string): Promise<void> {
  await services.orm.em.fork().nativeDelete(ConsoleSession, { tokenHash: hashApiKey(token) });
}

/** Ends every session of a key (called when the key is revoked). */
export async function deleteSessionsOfKey(services: Services, apiKeyId: string): Promise<void> {
  await services.orm.em.fork().nativeDelete(ConsoleSession, { apiKeyId });
}

export function csrfTokenMatches(session: ConsoleSession, presented: string | undefined): boolean {
  return presented !== undefined && secretsEqual(presented, session.csrfToken);
}
