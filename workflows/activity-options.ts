/**
 * Every activity option set workflows proxy with, in one place. Pure module: workflow
 * code imports it. The values are part of the commands a workflow issues, so changing
 * one changes new histories (guard with `patched()`); test/replay checks old ones.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_CODES } from '../connectors/sdk/errors.ts';

/**
 * Default retry policy of provider calls (connector actions, model calls, AI tools):
 * codes no retry can fix are named non-retryable here as well as flagged by the
 * activity; `RATE_LIMITED` waits the provider's `Retry-After` (the activity sets
 * `nextRetryDelay`), 5xx backs off.
 */
export const PROVIDER_RETRY_POLICY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
};

/**
 * Provider calls (connector actions, model calls, AI tools) heartbeat while they wait
 * (activities/heartbeat.ts). When their worker dies, Temporal retries them within this
 * timeout plus the first retry interval, whatever their start-to-close timeout: the
 * 30 s recovery bound of docs/operations/recovery.md.
 */
export const PROVIDER_HEARTBEAT_TIMEOUT = '15 seconds';

/** Default retry policy of connector steps (`runConnectorAction`). */
export const CONNECTOR_ACTION_RETRY_POLICY: RetryPolicy = PROVIDER_RETRY_POLICY;

/** Activity options for proxying `runConnectorAction` from a workflow. */
export const CONNECTOR_ACTION_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: PROVIDER_HEARTBEAT_TIMEOUT,
  retry: CONNECTOR_ACTION_RETRY_POLICY,
};

/** Model calls (`llmCall`): 429 waits Retry-After, 5xx backs off, 400/401/budget never retry. */
export const LLM_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: PROVIDER_HEARTBEAT_TIMEOUT,
  retry: PROVIDER_RETRY_POLICY,
};

/** Tools of AI steps (`ragRetrieve`, `mcpCallTool`). */
export const AI_TOOL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: PROVIDER_HEARTBEAT_TIMEOUT,
  retry: PROVIDER_RETRY_POLICY,
};

/** RAG ingestion batches heartbeat per document; a lost worker is noticed within the heartbeat timeout. */
export const RAG_INGEST_BATCH_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['NOT_FOUND', 'CONFIG_INVALID', 'AUTH_FAILED', 'INVALID_INPUT', 'FORBIDDEN'] },
};

/** The interpreter loads its pinned automation version and issues approval links. */
export const AUTOMATION_LOAD_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['NOT_FOUND'] },
};

/** An `agent` step reads its thread memory at its start and stores it at its end (the step's own policy applies). */
export const AGENT_MEMORY_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10 },
};

/** An `automation` step resolves the current version of the automation it runs. */
export const AUTOMATION_RESOLVE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['NOT_FOUND'] },
};

/** The event router asks which automations subscribe to an event. */
export const FIND_SUBSCRIBERS_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'find subscribed automations',
};

/**
 * The same look-up as a local activity (the event router's route, `patched('event-route-local')`):
 * a database outage retries it like the activity above; past a minute the SDK backs off on timers.
 */
export const ROUTE_EVENT_LOCAL_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'find subscribed automations and waiting runs',
};

/** The self-check workflow's database round trip. */
export const SELF_CHECK_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
  summary: 'check the database',
};

/**
 * A `wait_for_event` step registers its wait in the index before parking and removes it
 * after: local activities (one marker each, no activity task), retried until the
 * database answers, so the registration is durable before the run waits.
 */
export const EVENT_WAIT_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};

/**
 * One poll of a polling trigger (`pollTrigger`): provider errors back off (5xx) or wait
 * `Retry-After` (429) as connector calls do, while the schedule skips the polls that
 * would overlap; a malformed poll answer (`INVALID_INPUT`) fails this poll at once and
 * the next scheduled poll tries again.
 */
export const POLL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: PROVIDER_RETRY_POLICY,
};

/**
 * A concurrency keeper's close watch (`awaitRunClosed`): waits as long as its run does, on
 * the watchers' own task queue (`concurrencyWatchQueue`), heartbeating; a lost worker is
 * noticed within the heartbeat timeout and the watch starts again elsewhere.
 */
export const CONCURRENCY_WATCH_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '3650 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};

/** A run's slot request (`requestConcurrencySlot`: one signal-with-start). */
export const CONCURRENCY_REQUEST_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};
