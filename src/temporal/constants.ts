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
 * `patched()` id: the event router runs `routeEvent` as a local activity — one workflow
 * task (the look-up's marker, then the child starts and the result) instead of an activity
 * task and a second workflow task. Routers recorded before it replay their activity.
 */
export const EVENT_ROUTE_LOCAL_PATCH = 'event-route-local';

/**
 * `patched()` id: an event workflow whose delivery intake already handed to the waiting runs
 * and found no subscriber for in the database (`waitersResumed` and `subscribersChecked` in its
 * options) records the event and looks nothing up: no local activity, one activation.
 */
export const EVENT_ROUTE_CHECKED_PATCH = 'event-route-checked';

/**
 * `patched()` id: a `wait_for_event` step resumed by a delivery whose signaller removes the
 * registration (`consumed`: webhook intake and test events, for a step without `if`) skips
 * its own `clearEventWait` local activity — the resumed run's workflow task has no local
 * activity to wait for. Runs resumed before it replay their removal.
 */
export const EVENT_WAIT_CONSUMED_PATCH = 'event-wait-consumed';

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
 * `patched()` id: an agent tool with `notify` asks its approvers (Slack, email) through the
 * `notifyApproval` activity each time a call of it parks. Only such tools reach it.
 */
export const AGENT_TOOL_NOTIFY_PATCH = 'agent-tool-notify';

/**
 * `patched()` id: an agent step with `memory.summarize` replaces the older turns of its
 * thread by a summary (one `agentModelCall`) before storing it. Only such steps reach it.
 */
export const AGENT_MEMORY_SUMMARY_PATCH = 'agent-memory-summary';

/**
 * `patched()` id: when an approval step that posted Slack messages ends (decided on any
 * channel, timed out, cancelled), the `closeApprovalMessages` activity updates them.
 */
export const APPROVAL_CLOSE_MESSAGES_PATCH = 'approval-close-messages';

/**
 * `patched()` id: a reminder of an approval step with `notify` goes to its channels too
 * (a Slack reply in the message's thread, emails to who has not decided).
 */
export const APPROVAL_REMIND_NOTIFY_PATCH = 'approval-remind-notify';

/**
 * `patched()` id: an approval step that posted Slack messages wakes on each decision that
 * does not close it and updates them with the decisions so far (`closeApprovalMessages`
 * with `open`), whichever channel it came through.
 */
export const APPROVAL_PROGRESS_MESSAGES_PATCH = 'approval-progress-messages';

/**
 * `patched()` id: a poll starts each run with the priority (and fairness key) `pollTrigger`
 * rendered for its item. Only automations with `priority` or `fairness` get one, so other
 * polls issue the same commands as before.
 */
export const POLL_RUN_PRIORITY_PATCH = 'poll-run-priority';

/**
 * `patched()` id: an `llm` step's model call and tool calls of a rate-limited connection go
 * to the connection's rate-limited queue, as connector actions do.
 */
export const LLM_RATE_LIMIT_QUEUE_PATCH = 'llm-rate-limit-queue';

/**
 * `patched()` id: a concurrency keeper puts a slot request in line by its run's start time
 * (FIFO by start, not by when the request reached the keeper).
 */
export const CONCURRENCY_FIFO_PATCH = 'concurrency-fifo-start';

/** `patched()` id: a run with `concurrency` sets `SwitchboardConcurrencyKey` to its rendered key. */
export const CONCURRENCY_KEY_ATTRIBUTE_PATCH = 'concurrency-key-attribute';

/**
 * `patched()` id: a debounce or batch collector starts its run with the priority and fairness
 * key the routing rendered for the run's namesake event (only automations with `priority` or
 * `fairness` carry one, so other collectors issue the same commands as before).
 */
export const COLLECTED_RUN_PRIORITY_PATCH = 'collected-run-priority';

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
