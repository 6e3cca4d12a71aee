/**
 * Types shared by the event router, the automation interpreter, activities and the
 * API. Pure module.
 */
import type { Priority } from '@temporalio/common';
import type { NormalizedEvent } from '../connectors/sdk/events.ts';

export type { NormalizedEvent };

/** What started an automation run. */
export type RunTrigger =
  /** `test`: started by `POST /automations/:id/test-event` with a sample payload, not by a delivery. */
  | {
      type: 'webhook';
      event: NormalizedEvent;
      test?: true | undefined;
      /** Debounced automations: how many events were collapsed into this run (`event` is the last). */
      debounced?: number | undefined;
      /** Batched automations: the events of the batch, in arrival order (`event` is the first). */
      events?: NormalizedEvent[] | undefined;
    }
  | { type: 'schedule'; scheduledAt?: string | undefined }
  | { type: 'manual'; principal?: string | undefined }
  | { type: 'automation'; parentWorkflowId: string }
  /** One new item of a polling trigger (`trigger.payload` in templates). */
  | { type: 'poll'; connectionId: string; trigger: string; id: string; payload: unknown; at?: string | undefined };

/** Input of the automation interpreter workflow (`WORKFLOW_TYPES.automation`). */
export interface AutomationRunInput {
  automationId: string;
  /** The pinned version: the run executes exactly this definition. */
  version: number;
  input: unknown;
  trigger: RunTrigger;
  /** A budget for this run only, given at start; the automation's own budget still applies (the lower wins). */
  budget?: { maxTokens?: number | undefined } | undefined;
  /**
   * The pinned version's name and definition, carried by starters that have it at hand
   * (webhook intake, the runs API), so the run needs no `loadAutomationVersion` activity.
   * Absent in older histories and from other starters: the run loads it.
   */
  pinned?: PinnedDefinition | undefined;
  /**
   * True when the starter set every search attribute of the run (automation, version,
   * trigger, status `running`, and the event's) as start options: the run upserts none
   * at start. Absent in older histories: the run upserts them as before.
   */
  attributesAtStart?: boolean | undefined;
  /**
   * The workflow id of the run this run re-drives (POST /runs/:id/redrive), also set as
   * the `SwitchboardRedriveOf` search attribute at start. The workflow never reads it.
   */
  redriveOf?: string | undefined;
  /**
   * A re-drive from a step (POST /runs/:id/redrive with `fromStep`): the run starts at
   * this top-level step, the steps before it keep the recorded results of the source
   * run and are not executed again. Absent in every other run (and older histories).
   */
  redriveFrom?: RedriveStart | undefined;
  /**
   * Task queues of the rate-limited connections the definition names (connection id →
   * queue), set by the starter: their actions are scheduled there, where Temporal's
   * task-queue rate limit holds them to the connection's limit. Absent: every action
   * runs on the run's own task queue (older histories, connections without a limit).
   */
  actionQueues?: Record<string, string> | undefined;
  /**
   * The signed approve/reject links of every approval step (`run.approvalLinks`), issued
   * by a starter that holds the master key (webhook intake, the runs API) for this run's
   * id, so the run needs no `issueApprovalLinks` activity. Absent in older histories and
   * from other starters: the run issues them through the activity.
   */
  approvalLinks?: Record<string, unknown> | undefined;
}

/** A step's state as the run state query answers it (`StepState` of workflows/automation/types.ts). */
export interface RedriveStepRecord {
  id: string;
  type: string;
  status: string;
  attempts: number;
  output?: unknown;
  error?: { code: string; message: string } | undefined;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
}

/** Where a re-drive from a step starts, and what the steps before it recorded in the source run. */
export interface RedriveStart {
  /** A top-level step of the pinned definition. */
  fromStep: string;
  /** The source run's states of the steps before `fromStep` (and of the steps nested in them): `StepState`s. */
  steps: RedriveStepRecord[];
  /** `steps.<id>` of the template context for those steps: their outputs (and handled errors). */
  outputs: Record<string, { output?: unknown; error?: unknown }>;
}

/** One immutable automation version as a run executes it. */
export interface PinnedDefinition {
  name: string;
  /** The automation definition (`AutomationDefinition`); ids of connections, never secrets. */
  definition: Record<string, unknown>;
}

/** An automation subscribed to an event (answer of the routing activity). */
export interface Subscriber {
  automationId: string;
  version: number;
}

/** A run parked on a `wait_for_event` step that an event matches (answer of the routing activity). */
export interface EventWaiter {
  /** The registration, `<workflowId>/<stepId>#<visit>`: the `eventDelivered` signal names it. */
  waitId: string;
  workflowId: string;
}

/** The event workflow's optional second argument (absent in older histories and from `emitEvent`). */
export interface EventRouteOptions {
  /** Webhook intake already signalled the event's waiting runs (or found none): the router does not look again. */
  waitersResumed?: boolean | undefined;
  /**
   * Webhook intake read the subscriptions from the database after signalling the waiters and
   * found none: with `waitersResumed`, the router looks nothing up (`patched('event-route-checked')`).
   */
  subscribersChecked?: boolean | undefined;
}

/** What the event router's `routeEvent` activity answers: who an event starts and whom it resumes. */
export interface EventRoute {
  subscribers: Subscriber[];
  waiters: EventWaiter[];
}

/** Input of the poll workflow a polling automation's schedule starts (`WORKFLOW_TYPES.poll`). */
export interface PollWorkflowInput {
  automationId: string;
  version: number;
}

/**
 * The durable state of a polling trigger (the `poll_states` row of the automation): the
 * connector's cursor and the item ids already seen.
 */
export interface PollState {
  kind: 'poll-state';
  /** `<connectionId>/<trigger>/<config JSON>`: a changed source starts over from "now". */
  source: string;
  cursor?: unknown;
  /** Item ids seen, newest first (bounded). */
  seen: string[];
}

/** What a poll commits once its runs are started: the new cursor and only the ids new in this poll (history stays small). */
export interface PollCommit {
  automationId: string;
  source: string;
  cursor?: unknown;
  newIds: string[];
  /** Nothing new and the same cursor: the poll skips the commit (one activity less per idle poll). */
  unchanged: boolean;
}

/** A new item to start one run for; `key` is the item id as a workflow-id-safe string. */
export interface PolledRunItem {
  key: string;
  id: string;
  payload: unknown;
  at?: string | undefined;
  /** The run's task queue priority (the automation's `priority` and rendered `fairness` key); none without either. */
  priority?: Priority | undefined;
}

/** How a collector workflow collects: `debounce` (the last event wins) or `batch` (all, up to a size). */
export type CollectMode = 'debounce' | 'batch';

/** One event handed to a collector (the `collectEvent` signal). */
export interface CollectedEvent {
  event: NormalizedEvent;
  /** The automation version the event was routed to (the run executes the last event's). */
  version: number;
  /** Task queues of rate-limited connections, as for a run started at intake. */
  actionQueues?: Record<string, string> | undefined;
  /** The run's priority (the automation's `priority`, `fairness` rendered over this event), when it has either. */
  priority?: Priority | undefined;
}

/** What a collector carries over continue-as-new: the open window. */
export interface CollectorState {
  /** Debounce: the last event of the window; batch: the events not yet handed to a run. */
  pending: CollectedEvent[];
  /** Debounce: events collapsed in the window so far. */
  count: number;
  /** Epoch ms of the window's first and last event. */
  firstAt: number;
  lastAt: number;
  /** Ids of the recent events, newest last (a retried signal is not counted twice). */
  seen: string[];
}

/** Input of the collector workflow (`WORKFLOW_TYPES.collector`), one per automation and key. */
export interface CollectorInput {
  automationId: string;
  mode: CollectMode;
  /** The rendered key ('' = the whole automation). */
  key: string;
  /** Debounce: quiet period; batch: timeout from the first event (ms). */
  windowMs: number;
  /** Debounce: bound from the first event (ms). */
  maxWaitMs?: number | undefined;
  /** Batch: most events per run. */
  maxSize?: number | undefined;
  /** Carried by continue-as-new. */
  state?: CollectorState | undefined;
  /** Continue-as-new once the history has this many events (default: when the server suggests it, or 2,000). */
  historyLimit?: number | undefined;
}
