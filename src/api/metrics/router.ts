/**
 * `GET /metrics`: Prometheus text. On the API it needs a principal with `metrics:read`
 * (API key or console session); `SWITCHBOARD_METRICS_ADDRESS` additionally serves it
 * without authentication on a separate listener (src/metrics/server.ts).
 */
import express, { type Router } from 'express';
import { requireApiKey } from '../auth.ts';
import type { Principal } from '../http.ts';
import { requireScope } from '../../security/scopes.ts';
import type { Services } from '../../services.ts';
import { metricsRegistry, scrapeTimeGauge } from '../../metrics/metrics.ts';
import { sdkMetricsText } from '../../metrics/temporal-sdk.ts';
import { WORKFLOW_TYPES } from '../../temporal/constants.ts';

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

/** Answers a scrape with the process registry. */
export const metricsHandler: express.RequestHandler = async (_req, res, next) => {
  try {
    const [own, sdk] = await Promise.all([metricsRegistry.metrics(), sdkMetricsText()]);
    res.type(metricsRegistry.contentType).send(sdk ? `${own.trimEnd()}\n${sdk}` : own);
  } catch (err) {
    next(err);
  }
};

/** The authenticated `/metrics` route of the API. */
export function metricsRouter(services: Services): Router {
  registerApprovalsGauge(services);
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
  return router;
}
