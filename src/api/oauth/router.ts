/**
 * OAuth2 connections over HTTP: OAuth apps (admin), `POST /oauth/authorize` (the console's
 * Connect) and the public `GET /oauth/callback` the provider redirects the browser to.
 * The logic is in src/connections/oauth; this file translates HTTP.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { nameString } from '../../schemas/ids.ts';
import type { ConnectorDefinition } from '../../../connectors/sdk/types.ts';
import { saveOAuthApp, toAppView } from '../../connections/oauth/apps.ts';
import { completeOAuthFlow, startOAuthFlow } from '../../connections/oauth/flows.ts';
import { Connection, OAuthApp } from '../../db/entities/index.ts';
import { ApiError, OAuthCallbackError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { deleteOne, errorBodySchema, getOne, listOf, methodNotAllowed, mountRoutes, route } from '../http.ts';
import { orNotFound } from '../lookup.ts';
import { validateConfig } from '../../connections/service.ts';
import { assertMasterKeyFits } from '../../security/master-key-guard.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);
const appBody = z
  .object({
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(4096).meta({ description: 'Stored encrypted; never answered' }),
    authorizationUrl: httpUrl.optional().meta({ description: "Overrides the connector's consent URL (self-hosted providers, tests)" }),
    tokenUrl: httpUrl.optional().meta({ description: "Overrides the connector's token endpoint" }),
    scopes: z.array(z.string().min(1).max(256)).max(100).optional().meta({ description: "Replaces the connector's default scopes" }),
  })
  .strict()
  .meta({ id: 'OAuthAppInput' });
const appSchema = z
  .object({
    connector: z.string(),
    clientId: z.string(),
    clientSecretSet: z.literal(true),
    authorizationUrl: z.string(),
    tokenUrl: z.string(),
    scopes: z.array(z.string()),
    redirectUri: z.string().meta({ description: 'The callback URL to register with the provider' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'OAuthApp' });
/** The body of `POST /oauth/authorize`: `connector` is one of the OAuth2 connectors of this registry. */
const authorizeBodyOf = (connector: z.ZodType<string>) =>
  z
    .object({
      connector,
      name: nameString.regex(/^(?!\s*conn_)/, 'must not start with "conn_" (connection ids do)'),
      config: z.record(z.string(), z.unknown()).optional(),
      connectionId: z.string().min(1).max(64).optional().meta({ description: 'Reconnect this connection of the connector (new tokens, status back to active) instead of creating one' }),
    })
    .strict()
    .meta({ id: 'OAuthAuthorize' });
const authorizeAnswer = z
  .object({
    authorizationUrl: z.string().meta({ description: "The provider's consent page: open it in the browser" }),
    expiresAt: z.string().meta({ description: 'The flow must come back to /oauth/callback before this' }),
  })
  .meta({ id: 'OAuthAuthorization' });

function oauthConnector(services: Services, key: string, path: string): ConnectorDefinition {
  const def = services.connectors.get(key);
  if (!def) throw new ApiError(404, 'NOT_FOUND', `Unknown connector "${key}"`, [{ path, message: 'unknown connector' }]);
  if (!def.auth) throw new ApiError(400, 'INVALID_INPUT', `Connector "${key}" does not connect by OAuth; create its connection with secrets`, [{ path, message: 'not an OAuth2 connector' }]);
  return def;
}

export function oauthRoutes(services: Services) {
  const em = () => services.orm.em.fork();
  // The OAuth2 connectors are known when the app is built: the schema names them (a connector that connects
  // with secrets is refused by the schema, with its path, not by a rule the schema cannot state).
  const oauthKeys = services.connectors.list().filter((d) => d.auth).map((d) => d.key);
  const connectorKey: z.ZodType<string> = oauthKeys.length
    ? z.enum(oauthKeys as [string, ...string[]]).describe('an OAuth2 connector (`auth` in GET /api/v1/connectors)')
    : z.string().regex(/^(?!)/, 'no connector connects by OAuth2');
  const params = z.object({ connector: connectorKey });
  const authorizeBody = authorizeBodyOf(connectorKey);
  return [
    listOf({
      path: '/oauth-apps',
      summary: 'List OAuth apps (never their client secrets)',
      tags: ['oauth'],
      scope: 'admin',
      listed: 'OAuth apps',
      schema: appSchema,
      load: async () => (await em().find(OAuthApp, {}, { orderBy: { connector: 'asc' } })).flatMap((row) => {
        const def = services.connectors.get(row.connector);
        return def?.auth ? [toAppView(row, def, services.config.publicUrl)] : [];
      }),
    }),
    route({
      method: 'put',
      path: '/oauth-apps/:connector',
      summary: "Set an OAuth2 connector's OAuth app (client id, encrypted client secret, URL overrides)",
      tags: ['oauth'],
      scope: 'admin',
      params,
      body: appBody,
      responses: { 200: { description: 'Saved', schema: appSchema }, 404: { description: 'No such connector', schema: errorBodySchema } },
      handler: async ({ params: p, body }) => {
        const def = oauthConnector(services, p.connector, 'params.connector');
        const e = em();
        await assertMasterKeyFits(services, e);
        return { body: toAppView(await saveOAuthApp(e, services.keyring, def.key, body), def, services.config.publicUrl) };
      },
    }),
    getOne({
      path: '/oauth-apps/:connector',
      summary: "Get a connector's OAuth app (never its client secret)",
      tags: ['oauth'],
      scope: 'admin',
      params,
      noun: 'OAuth app',
      schema: appSchema,
      load: async ({ connector }) => {
        const def = oauthConnector(services, connector, 'params.connector');
        return toAppView(orNotFound(await em().findOne(OAuthApp, { connector }), `OAuth app of ${connector}`), def, services.config.publicUrl);
      },
    }),
    deleteOne({
      path: '/oauth-apps/:connector',
      summary: "Delete a connector's OAuth app (its connections can no longer refresh or connect)",
      tags: ['oauth'],
      scope: 'admin',
      params,
      noun: 'OAuth app',
      done: 'Deleted',
      remove: async ({ connector }) => {
        const e = em();
        await e.remove(orNotFound(await e.findOne(OAuthApp, { connector }), `OAuth app of ${connector}`)).flush();
      },
    }),
    route({
      method: 'post',
      path: '/oauth/authorize',
      summary: 'Start connecting an OAuth2 connection: answers the provider consent URL to open in the browser',
      description:
        'The flow is bound server-side to an unguessable, single-use `state` that expires in 10 minutes. After consent the provider redirects the browser to `/oauth/callback`, which creates the connection and redirects to it in the console.',
      tags: ['oauth'],
      scope: 'connections:write',
      body: authorizeBody,
      responses: {
        200: { description: 'Open authorizationUrl in the browser', schema: authorizeAnswer },
        404: { description: 'No such connector (or connection to reconnect)', schema: errorBodySchema },
        409: { description: 'The connector has no OAuth app yet', schema: errorBodySchema },
      },
      handler: async ({ body }) => {
        const def = oauthConnector(services, body.connector, 'body.connector');
        const e = em();
        const existing = body.connectionId ? orNotFound(await e.findOne(Connection, { id: body.connectionId, connector: def.key }), `Connection ${body.connectionId} of ${def.key}`) : undefined;
        const config = existing ? existing.config : validateConfig(def, body.config ?? {});
        await assertMasterKeyFits(services, e);
        const started = await startOAuthFlow({ em: e, keyring: services.keyring, fetch: services.outbound.fetch, publicUrl: services.config.publicUrl }, def, { name: body.name, config, connectionId: existing?.id });
        if (!started) throw new ApiError(409, 'OAUTH_APP_MISSING', `Connector "${def.key}" has no OAuth app: an admin sets it with PUT /api/v1/oauth-apps/${def.key}`);
        return { body: { authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt.toISOString() } };
      },
    }),
  ];
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a failed callback shows: the reason (the provider's error text included), never a token. */
function callbackErrorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Could not connect</title></head><body><h1>Could not connect</h1><p id="reason">${escapeHtml(message)}</p><p><a href="/connections">Back to connections</a></p></body></html>`;
}

/** `GET /oauth/callback`: public (the browser comes back from the provider; the `state` is the credential). */
export function oauthCallbackRouter(services: Services, registry: OpenAPIRegistry): Router {
  const router = express.Router();
  const query = z.object({
    state: z.string().max(1024).optional(),
    code: z.string().max(4096).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
    iss: z.string().max(2048).optional(),
    scope: z.string().max(4096).optional(),
  });
  const routes = [
    route({
      method: 'get',
      path: '/callback',
      summary: 'OAuth2 redirect target: exchanges the code, creates the connection, redirects to it in the console',
      tags: ['oauth'],
      query,
      responses: {
        303: { description: 'Connected: redirect to the connection in the console' },
        400: { description: 'HTML page: unknown, used or expired state, consent refused, or the provider refused the code; nothing stored' },
        502: { description: 'HTML page: the provider could not be reached; nothing stored' },
      },
      handler: async ({ req, res }) => {
        const params = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
        const e = services.orm.em.fork();
        const row = await completeOAuthFlow({ em: e, keyring: services.keyring, fetch: services.outbound.fetch, publicUrl: services.config.publicUrl }, services.connectors, params);
        services.connectionCache.invalidate(row.id);
        services.connectionRateLimits.invalidate();
        services.logger.info({ connectionId: row.id, connector: row.connector }, 'OAuth connection created');
        res.redirect(303, `${services.config.publicUrl}/connections/${encodeURIComponent(row.id)}`);
      },
    }),
  ];
  mountRoutes(router, registry, '/oauth', routes, { secured: false });
  methodNotAllowed(router, routes);
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !(err instanceof OAuthCallbackError)) return next(err);
    res.status(err.status).type('html').send(callbackErrorPage(err.message));
  });
  return router;
}
