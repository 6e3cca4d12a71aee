/**
 * Authentication for `/api/v1`, `/mcp` and `/codec`: `Authorization: Bearer <key>`,
 * `X-API-Key: <key>`, or (under `/api/v1` only) the console's `sb_session` cookie.
 * The bootstrap key from `SWITCHBOARD_API_KEY` is compared in constant time; stored
 * keys are found by hash. Authorisation (scopes) is checked per route in http.ts.
 */
import type { NextFunction, Request, Response } from 'express';
import type { ConsoleSession } from '../db/entities/index.ts';
import { ApiError } from '../errors.ts';
import { hashApiKey, secretsEqual } from '../security/api-keys.ts';
import type { Services } from '../services.ts';
import type { Principal } from './http.ts';
import { bootstrapPrincipal } from './principal.ts';
import { csrfTokenMatches, sessionPrincipal, SESSION_COOKIE, sessionTokenOf } from './session/store.ts';

/** The key a request presents: a bearer token, else the `X-API-Key` header. */
export function presentedApiKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header) return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const key = req.get('x-api-key')?.trim();
  return key ? key : undefined;
}

export const MISSING_KEY_MESSAGE = 'Missing API key: send Authorization: Bearer <key> (or X-API-Key: <key>)';

/** Resolves a key to a principal, or undefined when it is unknown or revoked. */
export async function authenticate(services: Services, token: string): Promise<Principal | undefined> {
  if (services.config.apiKey && secretsEqual(token, services.config.apiKey)) return bootstrapPrincipal(services);
  if (!token.startsWith('sb_')) return undefined;
  return services.apiKeyPrincipals.get(hashApiKey(token));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const unauthenticated = (message: string) => new ApiError(401, 'UNAUTHENTICATED', message, undefined, { 'WWW-Authenticate': 'Bearer' });

/**
 * A key wins over a cookie. With the cookie, a state-changing method must carry the
 * session's `X-CSRF-Token` (a cross-site form cannot read it).
 */
export async function authenticateRequest(services: Services, req: Request): Promise<{ principal: Principal; session?: ConsoleSession }> {
  const token = presentedApiKey(req);
  if (token) {
    const principal = await authenticate(services, token);
    if (!principal) throw unauthenticated('Invalid API key');
    return { principal };
  }
  const sessionToken = sessionTokenOf(req);
  if (!sessionToken) throw unauthenticated(MISSING_KEY_MESSAGE);
  const found = await sessionPrincipal(services, sessionToken);
  if (!found) throw unauthenticated(`Session expired or signed out (cookie ${SESSION_COOKIE}): sign in again`);
  if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(found.session, req.get('x-csrf-token'))) {
    throw new ApiError(403, 'CSRF_FAILED', 'A request authenticated by the session cookie must send its X-CSRF-Token header');
  }
  return found;
}

export function requireApiKey(services: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const { principal, session } = await authenticateRequest(services, req);
      res.locals['principal'] = principal;
      // Decisions record their channel: a console session's are `console`, a key's `api`.
      if (session) res.locals['viaConsole'] = true;
      next();
    } catch (err) {
      next(err);
    }
  };
}
