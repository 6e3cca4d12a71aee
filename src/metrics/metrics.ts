/**
 * Switchboard's Prometheus metrics: one registry per process, shared by the API and a
 * worker running in the same process (`switchboard dev`). Counters are incremented
 * where things happen (webhook intake, activities, safe fetch, the worker's run sink);
 * gauges that need Temporal (approvals waiting) are collected at scrape time. Workflow
 * code never touches this module.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome of one webhook delivery at intake. */
export const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'rejected', 'unavailable'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Label of a successful action attempt's `code`. */
export const ACTION_OK = 'OK';

/** Host classes of outbound requests: public addresses, or hosts let through by SWITCHBOARD_SSRF_ALLOW. */
export type HostClass = 'public' | 'allowed_private';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'switchboard_' });

/** A counter in the process registry. */
function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [metricsRegistry] });
}

export const webhookDeliveries = counter('switchboard_webhook_deliveries_total', 'Webhook deliveries by connector and outcome (accepted, duplicate, rejected, unavailable)', ['connector', 'outcome'] as const);

export const webhookIntakeSeconds = new Histogram({
  name: 'switchboard_webhook_intake_seconds',
  help: 'Time from receiving a webhook delivery to answering it, by connector and outcome',
  labelNames: ['connector', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/** Duplicate deliveries the intake could not count (the delivery itself was answered 200). */
export const duplicateCountFailures = counter('switchboard_webhook_duplicate_count_failures_total', 'Duplicate webhook deliveries whose duplicate count could not be written, by connector', ['connector'] as const);

export const actionAttempts = counter('switchboard_action_attempts_total', 'Connector action attempts (activity attempts) by connector, action and error code (OK on success)', ['connector', 'action', 'code'] as const);

export const runOutcomes = counter('switchboard_runs_finished_total', 'Automation runs that ended on this worker, by automation and outcome (completed, failed, cancelled)', ['automation', 'outcome'] as const);

export const llmTokens = counter('switchboard_llm_tokens_total', 'LLM tokens by connection and kind (input, output)', ['connection', 'kind'] as const);

export const llmCost = counter('switchboard_llm_cost_total', "Money spent on agent model calls by connection and model, in the connection's pricing currency (USD by default)", ['connection', 'model'] as const);

export const outboundRequests = counter('switchboard_outbound_requests_total', 'Outbound HTTP requests through the SSRF-safe fetch, by host class and status (HTTP status, or the error code)', ['host_class', 'status'] as const);

/** Records one webhook delivery's outcome and intake time. */
export function recordWebhookDelivery(connector: string, outcome: WebhookOutcome, startedAt: bigint): void {
  webhookDeliveries.inc({ connector, outcome });
  webhookIntakeSeconds.observe({ connector, outcome }, Number(process.hrtime.bigint() - startedAt) / 1e9);
}

/** The outcome of a webhook answer's HTTP status (and body, for duplicates). */
export function webhookOutcomeOf(status: number, body?: unknown): WebhookOutcome {
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'rejected';
  if (status === 200 && typeof body === 'object' && body !== null && (body as { duplicate?: unknown }).duplicate === true) return 'duplicate';
  return 'accepted';
}

/**
 * A gauge collected at scrape time. `collect` must bound its own time; when it fails,
 * the gauge keeps its last value and the scrape still answers.
 */
export function scrapeTimeGauge(name: string, help: string, collect: () => Promise<number>): Gauge {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) metricsRegistry.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    registers: [metricsRegistry],
    async collect() {
      try {
        this.set(await collect());
      } catch {
        // Temporal slow or down: the last known value stands.
      }
    },
  });
}

export const rateLimitedRequests = counter('switchboard_rate_limited_requests_total', 'Inbound requests answered 429 RATE_LIMITED, by kind (api_key, webhook)', ['kind'] as const);

export const oauthRefreshes = counter('switchboard_oauth_token_refreshes_total', 'OAuth access-token refreshes by connector and outcome (ok; rejected: the refresh token is dead and the connection needs reconnecting; failed)', ['connector', 'outcome'] as const);

export const polls = counter('switchboard_polls_total', 'Polls of polling triggers by connector, trigger and outcome (ok, or the error code)', ['connector', 'trigger', 'outcome'] as const);

export const polledItems = counter('switchboard_poll_new_items_total', 'New items polling triggers found (each starts a run), by connector and trigger', ['connector', 'trigger'] as const);
