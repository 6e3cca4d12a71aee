/**
 * Names shared by workflows, the API, the CLI and tests: workflow-id prefixes and
 * builders. Pure module: safe to import from workflow code.
 */

export const WORKFLOW_ID_PREFIX = {
  event: 'wh',
  run: 'run',
  action: 'action',
  selfCheck: 'selfcheck',
  ingest: 'ingest',
} as const;

/** `wh:<connector>:<connectionId>:<deliveryId>` */
export function eventWorkflowId(connector: string, connectionId: string, deliveryId: string): string {
  return `${WORKFLOW_ID_PREFIX.event}:${connector}:${connectionId}:${deliveryId}`;
}

/** `run:<automationId>:<key>` */
export function runWorkflowId(automationId: string, key: string): string {
  return `${WORKFLOW_ID_PREFIX.run}:${automationId}:${key}`;
}

/** Workflow type names, for starts by name across modules. */
export const WORKFLOW_TYPES = {
  /** One per verified webhook delivery / emitted event; routes it to subscribed automations. */
  event: 'eventWorkflow',
  /** The automation interpreter: runs one pinned automation version. */
  automation: 'automationWorkflow',
  /** One-step run of a connector action (POST /connections/:id/actions/:action). */
  action: 'connectorActionWorkflow',
  /** One batch of a long `foreach` loop's items, a child of the run (workflows/automation/foreach-batch.ts). */
  foreachBatch: 'foreachBatchWorkflow',
  /** One poll of a polling trigger, started by the automation's Temporal Schedule. */
  poll: 'pollTriggerWorkflow',
  /** One per automation and concurrency key: hands out its slots (workflows/concurrency-keeper.ts). */
  concurrencyKeeper: 'concurrencyKeeperWorkflow',
  /** Collects the events of a debounced or batched automation per key and starts its runs (workflows/collector.ts). */
  collector: 'eventCollectorWorkflow',
} as const;

/** `collect:<debounce|batch>:<automationId>:<key>`: the collector of one automation and key. */
export function collectorWorkflowId(mode: string, automationId: string, key: string): string {
  return `collect:${mode}:${automationId}:${key}`;
}

/** Run key of a polled item: `run:<automationId>:poll:<itemKey>`, one run per item id ever. */
export function pollRunKey(itemKey: string): string {
  return `poll:${itemKey}`;
}

/**
 * The task queue of a rate-limited connection's actions: `<taskQueue>-rl-<connectionId>`.
 * Every worker polls it with Temporal's task-queue activity rate limit
 * (`maxTaskQueueActivitiesPerSecond`), which the server enforces across all pollers.
 */
export function rateLimitedQueue(taskQueue: string, connectionId: string): string {
  return `${taskQueue}-rl-${connectionId}`;
}

/** `patched()` id: connector actions of rate-limited connections are scheduled on their own task queue. */
export const RATE_LIMIT_QUEUE_PATCH = 'connection-rate-limit-queue';

/**
 * `patched()` id: templates read plain paths without JSONata in runs with parallel steps
 * (fewer awaits may change which branch reaches its command first; runs without parallel
 * steps issue their commands in program order and read plain paths directly without it).
 */
export const TEMPLATE_PLAIN_PATHS_PATCH = 'template-plain-paths';

/**
 * The longest a worker holds back an activity's heartbeat (Worker option
 * `maxHeartbeatThrottleInterval`): well inside `PROVIDER_HEARTBEAT_TIMEOUT`
 * (workflows/activity-options.ts), so a live activity never times out between beats.
 */
export const HEARTBEAT_THROTTLE = '5 seconds';

/**
 * `patched()` id: the event router asks `routeEvent` (subscribers and the runs parked on
 * a `wait_for_event` step) instead of `findSubscribers`, and signals each waiting run.
 */
export const EVENT_WAITS_PATCH = 'event-waits';

/**
 * `patched()` id: an approval step keeps the inbox index current (search attributes
 * `SwitchboardApprovers` and `SwitchboardApprovalDeadline`, memo `approvals`) when it parks,
 * when a decision lands and when it closes. Runs parked before it replay their commands.
 */
export const APPROVAL_INDEX_PATCH = 'approval-inbox-index';

/**
 * `patched()` id: an approval step with `notify` sends its requests (Slack, email) through
 * the `notifyApproval` activity when it parks. Only steps with `notify` call it, so steps
 * without one issue the same commands as before.
 */
export const APPROVAL_NOTIFY_PATCH = 'approval-notify';

/**
 * `patched()` id: a long `foreach` hands its batches (`foreachBatchWorkflow`) the run's token
 * budget and usage so far, and adds the tokens each batch used to the run's ledger, so llm
 * and agent steps inside a batch count against the run's `budget.maxTokens`.
 */
export const FOREACH_BATCH_TOKENS_PATCH = 'foreach-batch-tokens';

/**
 * `patched()` id: from a run's first `foreach` on (and in its batch workflows), steps skip
 * awaits on their way to a command where the templates are plain paths (an action step
 * schedules its activity at once). Fewer awaits may change which of two concurrent
 * iterations reaches its command first, so runs that started before it replay as recorded.
 */
export const FOREACH_FAST_PATHS_PATCH = 'foreach-fast-paths';
