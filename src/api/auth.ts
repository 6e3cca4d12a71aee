/**
 * API-key authentication for `/api/v1`, `/mcp` and `/codec`: `Authorization: Bearer <key>`
 * or `X-API-Key: <key>`. The bootstrap key from `SWITCHBOARD_API_KEY` is compared in
 * constant time; stored keys are found by hash.
 */
import type { NextFunction, Request, Response } from 'express';
import { ApiKey } from '../db/entities/index.ts';
import { ApiError } from '../errors.ts';
import { hashApiKey, secretsEqual } from '../security/api-keys.ts';
import type { Services } from '../services.ts';
import type { Principal } from './http.ts';

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
  if (services.config.apiKey && secretsEqual(token, services.config.apiKey)) return { kind: 'bootstrap', id: 'bootstrap' };
  if (!token.startsWith('sb_')) return undefined;
  const key = await services.orm.em.fork().findOne(ApiKey, { hash: hashApiKey(token), revokedAt: null });
  return key ? { kind: 'api-key', id: key.id } : undefined;
}

export function requireApiKey(services: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      // Already authenticated by the console session cookie (src/api/session).
      if (res.locals['principal']) return next();
      const token = presentedApiKey(req);
      if (!token) throw new ApiError(401, 'UNAUTHENTICATED', MISSING_KEY_MESSAGE, undefined, { 'WWW-Authenticate': 'Bearer' });
      const principal = await authenticate(services, token);
      if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid API key', undefined, { 'WWW-Authenticate': 'Bearer' });
      res.locals['principal'] = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}
