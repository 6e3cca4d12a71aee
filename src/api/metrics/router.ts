/**
 * `GET /metrics`: Prometheus text. On the API it needs a principal with `metrics:read`
 * (API key or console session); `SWITCHBOARD_METRICS_ADDRESS` additionally serves it
 * without authentication on a separate listener (src/metrics/server.ts with `createMetricsApp` of src/app.ts).
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { ApiError } from '../../errors.ts';
import { requireApiKey } from '../auth.ts';
import { errorBodySchema, type Principal } from '../http.ts';
import { requireScope } from '../../security/scopes.ts';
import type { Services } from '../../services.ts';
import { metricsRegistry, scrapeTimeGauge } from '../../metrics/metrics.ts';
import { sdkMetricsText } from '../../metrics/temporal-sdk.ts';
import { WORKFLOW_TYPES } from '../../temporal/constants.ts';
import { Connection } from '../../db/entities/index.ts';
import { NEEDS_RECONNECT } from '../../connections/oauth/tokens.ts';

/** Bound on the visibility count behind `switchboard_approvals_waiting`, so a slow Temporal never stalls a scrape. */
export const APPROVALS_GAUGE_DEADLINE_MS = 2_000;

/** Registers the approvals-waiting gauge: runs of this task queue waiting on an approval, counted at scrape time. */
export function registerApprovalsGauge(services: Services): void {
  const taskQueue = services.temporal.taskQueue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const query = `WorkflowType = '${WORKFLOW_TYPES.automation}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND SwitchboardStatus = 'waiting_approval'`;
  scrapeTimeGauge('switchboard_approvals_waiting', 'Automation runs waiting for an approval (Temporal visibility, counted at scrape time)', async () => {
    const { connection, client } = services.temporal;
    const { count } = await connection.withDeadline(Date.now() + APPROVALS_GAUGE_DEADLINE_MS, () => client.workflow.count(query));
    return count;
  });
}

/**
 * Registers `switchboard_connections_needs_reconnect{connector}`: connections whose refresh token the
 * provider refused, counted in the database at scrape time, 0 for every OAuth2 connector without one.
 */
export function registerNeedsReconnectGauge(services: Services): void {
  const name = 'switchboard_connections_needs_reconnect';
  if (metricsRegistry.getSingleMetric(name)) metricsRegistry.removeSingleMetric(name);
  const connectors = services.connectors.list().filter((d) => d.auth).map((d) => d.key);
  new Gauge({
    name,
    help: 'Connections that need reconnecting (the provider refused their refresh token), by connector (database, counted at scrape time)',
    labelNames: ['connector'] as const,
    registers: [metricsRegistry],
    async collect() {
      try {
        const em = services.orm.em.fork();
        const counts = await Promise.all(connectors.map((connector) => em.count(Connection, { connector, status: NEEDS_RECONNECT })));
        connectors.forEach((connector, i) => this.set({ connector }, counts[i]!));
      } catch {
        // The database unreachable: the last known values stand and the scrape still answers.
      }
    },
  });
}

/** Answers a scrape with the process registry. */
export const metricsHandler: express.RequestHandler = async (_req, res, next) => {
  try {
    const [own, sdk] = await Promise.all([metricsRegistry.metrics(), sdkMetricsText()]);
    res.type(metricsRegistry.contentType).send(sdk ? `${own.trimEnd()}\n${sdk}` : own);
  } catch (err) {
    next(err);
  }
};

function document(registry: OpenAPIRegistry): void {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description: 'Prometheus text exposition of this process (docs/reference/metrics.md). Needs the `metrics:read` scope.',
    tags: ['system'],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }, { sessionCookie: [] }],
    responses: {
      200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
      401: error('Missing or invalid API key'),
      403: error('The key lacks the `metrics:read` scope (FORBIDDEN)'),
      405: error('Not a GET'),
    },
  });
}

/** The authenticated `/metrics` route of the API. */
export function metricsRouter(services: Services, registry: OpenAPIRegistry): Router {
  registerApprovalsGauge(services);
  registerNeedsReconnectGauge(services);
  document(registry);
  const router = express.Router();
  router.get(
    '/',
    requireApiKey(services),
    (_req, res, next) => {
      try {
        requireScope(res.locals['principal'] as Principal | undefined, 'metrics:read');
        next();
      } catch (err) {
        next(err);
      }
    },
    metricsHandler,
  );
  router.all('/', (req, res, next) => {
    res.setHeader('Allow', 'GET');
    next(new ApiError(405, 'METHOD_NOT_ALLOWED', `/metrics is read with GET, not ${req.method}`));
  });
  return router;
}
