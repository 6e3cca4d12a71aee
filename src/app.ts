/**
 * The Express application. `createApp` only builds it (tests drive it directly on an
 * ephemeral port); src/runtime.ts listens and handles shutdown.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { requireApiKey } from './api/auth.ts';
import { limitPerApiKey } from './api/rate-limit.ts';
import { codecRouter } from './api/codec/router.ts';
import { errorMiddleware, notFoundMiddleware } from './api/errors.ts';
import { healthRoutes } from './api/health/router.ts';
import { methodNotAllowed, mountRoutes, type RouteDef } from './api/http.ts';
import { fixNullableRefs } from './api/openapi.ts';
import { pathGuard } from './api/path-guard.ts';
import { keyRoutes } from './api/keys/router.ts';
import { groupRoutes } from './api/groups/router.ts';
import { approvalLinksRouter } from './api/approvals/links-router.ts';
import { approvalDecisionRoutes, approvalRoutes } from './api/approvals/router.ts';
import { principalRoutes } from './api/principals/router.ts';
import { automationRoutes } from './api/automations/router.ts';
import { runRoutes } from './api/runs/router.ts';
import { scheduleRoutes } from './api/schedules/router.ts';
import { threadRoutes } from './api/threads/router.ts';
import { workflowRoutes } from './api/workflows/router.ts';
import { eventRoutes } from './api/events/router.ts';
import { sessionRouter } from './api/session/router.ts';
import { APPROVAL_LINK_PATH } from './approvals/links.ts';
import { ragRoutes } from './api/rag/router.ts';
import { mcpServerRoutes } from './api/mcp-servers/router.ts';
import { mcpEndpoint } from './api/mcp/endpoint.ts';
import { connectionRoutes } from './api/connections/router.ts';
import { connectorRoutes } from './api/connectors/router.ts';
import { oauthCallbackRouter, oauthRoutes } from './api/oauth/router.ts';
import { systemRoutes } from './api/system/router.ts';
import { webhookRouter } from './api/webhooks/router.ts';
import { metricsHandler, metricsRouter } from './api/metrics/router.ts';
import { consoleRouter } from './api/console/static.ts';
import type { Services } from './services.ts';
import { httpServerSpans, reenterTraceContext } from './telemetry/http-server.ts';
import { VERSION } from './version.ts';

type AnyRoute = RouteDef<never, never, never> | ReturnType<typeof healthRoutes>[number];

/** Resource modules under `/api/v1`; each returns its routes. */
export const API_V1_MODULES: ((services: Services) => AnyRoute[])[] = [systemRoutes, keyRoutes, connectorRoutes, connectionRoutes, ragRoutes, mcpServerRoutes, automationRoutes, runRoutes, approvalDecisionRoutes, eventRoutes, approvalRoutes, scheduleRoutes, principalRoutes, oauthRoutes, threadRoutes, workflowRoutes, groupRoutes];

/** Extra, unauthenticated mounts (webhooks, approval links, MCP) added by features. */
export interface PublicMount {
  path: string;
  router: (services: Services, registry: OpenAPIRegistry) => Router;
}
export const PUBLIC_MOUNTS: PublicMount[] = [
  { path: '/webhooks', router: (services, registry) => webhookRouter(services, registry) },
  { path: APPROVAL_LINK_PATH, router: (services, registry) => approvalLinksRouter(services, registry) },
  { path: '/codec', router: codecRouter },
  { path: '/mcp', router: mcpEndpoint },
  { path: '/metrics', router: metricsRouter },
  { path: '/oauth', router: oauthCallbackRouter },
];

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createApp(services: Services): { app: Express; openapi: () => object } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  if (services.tracing) app.use(httpServerSpans());
  app.use(
    helmet({
      contentSecurityPolicy: {
        // Swagger UI at /docs needs inline styles and data: images; nothing else is relaxed.
        directives: { 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"] },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: services.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // One short line per request: no headers (they carry keys and signatures) and no bodies.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  // Before any router: a path Express cannot decode, or one with a NUL, is the caller's error (400), not ours.
  app.use(pathGuard);

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'Switchboard API key' });
  registry.registerComponent('securitySchemes', 'apiKeyHeader', { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Switchboard API key' });
  registry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sb_session',
    description: 'Console session from POST /api/v1/session; POST/PUT/PATCH/DELETE also need the X-CSRF-Token header',
  });

  const root = express.Router();
  const rootRoutes = healthRoutes(services);
  mountRoutes(root, registry, '', rootRoutes as never, { secured: false });
  methodNotAllowed(root, rootRoutes);
  app.use(root);

  for (const mount of PUBLIC_MOUNTS) app.use(mount.path, mount.router(services, registry));

  // Sign-in has no prior authentication, so it sits in front of the authenticated router.
  app.use('/api/v1/session', sessionRouter(services, registry));
  const v1 = express.Router();
  v1.use(requireApiKey(services));
  v1.use(limitPerApiKey(services));
  v1.use(express.json({ limit: '2mb' }));
  if (services.tracing) v1.use(reenterTraceContext);
  const v1Routes = API_V1_MODULES.flatMap((module) => module(services));
  mountRoutes(v1, registry, '/api/v1', v1Routes as never, { secured: true });
  // After every module: a path one module declares is never answered 405 for another's method.
  methodNotAllowed(v1, v1Routes);
  app.use('/api/v1', v1);

  let document: object | undefined;
  const openapi = (): object =>
    (document ??= fixNullableRefs(new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: VERSION,
        description: 'Durable integration engine on Temporal. Authenticate with `Authorization: Bearer <API key>`.',
      },
      servers: [{ url: services.config.publicUrl }],
    })) as object);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi());
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' }, customSiteTitle: 'Switchboard API' }));

  app.use(consoleRouter());
  app.use(notFoundMiddleware);
  app.use(errorMiddleware(services.logger));
  return { app, openapi };
}

/** The unauthenticated metrics listener's app (`SWITCHBOARD_METRICS_ADDRESS`): `GET /metrics` only. */
export function createMetricsApp(logger: Services['logger']): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware(logger));
  return app;
}
