/**
 * Console sign-in (minimal stand-in for the session contract; the full version with
 * API-key scopes replaces this file): `POST /api/v1/session {apiKey}` trades a key for
 * an HttpOnly, SameSite=Strict `sb_session` cookie and a CSRF token; `GET` answers the
 * same body or 401; `DELETE` signs out. Sessions live in memory and every key is admin.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { authenticate } from '../auth.ts';
import type { Principal } from '../http.ts';

export const SESSION_COOKIE = 'sb_session';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const ALL_SCOPES = ['admin'] as const;

interface Session {
  principal: Principal;
  scopes: readonly string[];
  csrfToken: string;
  expiresAt: number;
}

const stores = new WeakMap<Services, Map<string, Session>>();
function storeOf(services: Services): Map<string, Session> {
  let store = stores.get(services);
  if (!store) stores.set(services, (store = new Map()));
  return store;
}

const token = (): string => randomBytes(32).toString('base64url');
const view = (s: Session) => ({ principal: s.principal, scopes: s.scopes, csrfToken: s.csrfToken });

function sessionOf(services: Services, req: Request): { id: string; session: Session } | undefined {
  const id = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
  if (!id) return undefined;
  const store = storeOf(services);
  const session = store.get(id);
  if (!session) return undefined;
  if (session.expiresAt < Date.now()) {
    store.delete(id);
    return undefined;
  }
  return { id, session };
}

const signInBody = z.object({ apiKey: z.string().min(1).max(500) });
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sessionRouter(services: Services): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));
  const secure = services.config.publicUrl.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure, path: '/' } as const;

  router.post('/', async (req, res, next) => {
    try {
      const parsed = signInBody.safeParse(req.body ?? {});
      if (!parsed.success) throw new ApiError(400, 'INVALID_INPUT', 'Send {"apiKey": "<key>"}', [{ path: 'body.apiKey', message: 'required' }]);
      const principal = await authenticate(services, parsed.data.apiKey);
      if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid API key');
      const id = token();
      const session: Session = { principal, scopes: ALL_SCOPES, csrfToken: token(), expiresAt: Date.now() + SESSION_TTL_MS };
      storeOf(services).set(id, session);
      res.cookie(SESSION_COOKIE, id, { ...cookieOptions, maxAge: SESSION_TTL_MS });
      res.status(200).json(view(session));
    } catch (err) {
      next(err);
    }
  });
  router.get('/', (req, res, next) => {
    const found = sessionOf(services, req);
    if (!found) return next(new ApiError(401, 'UNAUTHENTICATED', 'Not signed in'));
    res.json(view(found.session));
  });
  router.delete('/', (req, res, next) => {
    const found = sessionOf(services, req);
    if (found) {
      if (req.get(CSRF_HEADER) !== found.session.csrfToken) return next(new ApiError(403, 'FORBIDDEN', 'Missing or wrong X-CSRF-Token header'));
      storeOf(services).delete(found.id);
    }
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });
  return router;
}

/**
 * For `/api/v1`: a request without an API key header but with a session cookie acts as
 * the session's principal; state changes must carry the session's `X-CSRF-Token`.
 */
export function sessionAuth(services: Services) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.get('authorization') || req.get('x-api-key')) return next();
    const found = sessionOf(services, req);
    if (!found) return next();
    if (UNSAFE.has(req.method) && req.get(CSRF_HEADER) !== found.session.csrfToken) {
      return next(new ApiError(403, 'FORBIDDEN', 'Missing or wrong X-CSRF-Token header'));
    }
    res.locals['principal'] = found.session.principal;
    next();
  };
}
