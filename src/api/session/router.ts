/**
 * `/api/v1/session`: the console signs in with an API key and gets an HttpOnly
 * session cookie plus a CSRF token (see store.ts). Sign-in is the one `/api/v1` route
 * without prior authentication; the key is checked by hash lookup (stored keys) or a
 * constant-time comparison (bootstrap key), so a wrong key's answer times nothing.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { ApiError } from '../../errors.ts';
import { scopeSchema } from '../../security/scopes.ts';
import type { Services } from '../../services.ts';
import { authenticate, authenticateRequest } from '../auth.ts';
import { errorBodySchema, methodNotAllowed, mountRoutes, route, type Principal } from '../http.ts';
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS, sessionTokenOf } from './store.ts';

const sessionSchema = z
  .object({
    principal: z.string(),
    scopes: z.array(scopeSchema),
    csrfToken: z.string().nullable().describe('send as X-CSRF-Token on POST/PUT/PATCH/DELETE with the cookie; null when authenticated by key'),
  })
  .meta({ id: 'Session' });

const errors = (what: string) => ({ description: what, schema: errorBodySchema });

function cookieOptions(services: Services) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: services.config.publicUrl.startsWith('https:') };
}

const view = (p: Principal, csrfToken: string | null) => ({ principal: p.name, scopes: [...p.scopes], csrfToken });

/** The `/api/v1/session` router (mounted before the authenticated `/api/v1` router). */
export function sessionRouter(services: Services, registry: OpenAPIRegistry): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  const routes = [
    route({
      method: 'post',
      path: '/',
      summary: 'Console sign-in: exchange an API key for a session cookie',
      description: `Sets \`${SESSION_COOKIE}\` (HttpOnly, SameSite=Strict, Path=/, Secure on https) for ${SESSION_TTL_MS / 3_600_000} hours. Every \`/api/v1\` route accepts the cookie instead of a key; state-changing methods then need \`X-CSRF-Token\`.`,
      tags: ['session'],
      body: z.object({ apiKey: z.string().min(1).max(512) }).meta({ id: 'SignIn' }),
      responses: { 200: { description: 'Signed in', schema: sessionSchema }, 401: errors('Wrong API key') },
      handler: async ({ body, req, res }) => {
        const principal = await authenticate(services, body.apiKey);
        if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid API key');
        const previous = sessionTokenOf(req);
        if (previous) await deleteSession(services, previous);
        const session = await createSession(services, principal, body.apiKey);
        res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions(services), expires: session.expiresAt });
        res.set('Cache-Control', 'no-store');
        return { body: view(principal, session.csrfToken) };
      },
    }),
    route({
      method: 'get',
      path: '/',
      summary: 'Who the session cookie (or API key) acts as',
      tags: ['session'],
      responses: { 200: { description: 'The session', schema: sessionSchema }, 401: errors('No valid session or key') },
      handler: async ({ req, res }) => {
        const { principal, session } = await authenticateRequest(services, req);
        res.set('Cache-Control', 'no-store');
        return { body: view(principal, session?.csrfToken ?? null) };
      },
    }),
    route({
      method: 'delete',
      path: '/',
      summary: 'Sign out: end the session and clear its cookie',
      description: 'With a live session the request needs its `X-CSRF-Token`. Without one it still clears the cookie.',
      tags: ['session'],
      responses: { 204: { description: 'Signed out' }, 403: errors('CSRF_FAILED') },
      handler: async ({ req, res }) => {
        const token = sessionTokenOf(req);
        if (token && !req.get('authorization') && !req.get('x-api-key')) {
          // Valid session without its CSRF token → 403; unknown or expired → nothing to end.
          await authenticateRequest(services, req).catch((err: unknown) => {
            if (err instanceof ApiError && err.status === 403) throw err;
          });
          await deleteSession(services, token);
        }
        clearSessionCookie(services, res);
      },
    }),
  ];
  mountRoutes(router, registry, '/api/v1/session', routes, { secured: false });
  // TRACE, PUT, … on the session path: 405 with Allow, like every /api/v1 path.
  methodNotAllowed(router, routes);
  return router;
}

function clearSessionCookie(services: Services, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(services));
}
