/**
 * The shape of an automation definition as the interpreter sees it, and the run
 * state it reports. Pure module: the zod schema in src/automations/definition.ts
 * validates documents into exactly these types (it is typed against them).
 */

import type { RunConcurrency } from './concurrency-contracts.ts';

/** `fail` stops the run, `continue` records the error and moves on, `goto:<id>` jumps. */
export type OnError = 'fail' | 'continue' | `goto:${string}`;

/** Per-step retry, carried out by the interpreter (see interpreter.ts for why). */
export interface RetrySpec {
  /** Attempts in total, first one included (default 3 for actions, 1 otherwise). */
  maxAttempts?: number | undefined;
  /** Delay before the second attempt (duration, default `1s`). */
  initialInterval?: string | undefined;
  /** Multiplier per attempt (default 2). */
  backoff?: number | undefined;
  /** Upper bound of a delay (default `10m`). */
  maxInterval?: string | undefined;
  /** Error codes that are never retried, in addition to the non-retryable codes. */
  nonRetryable?: string[] | undefined;
}

/** Fields every step has. */
export interface StepBase {
  id: string;
  /** Human-readable name (Temporal UI summaries). */
  name?: string | undefined;
  /** A template/expression; the step is skipped when it is falsy. */
  when?: string | undefined;
  retry?: RetrySpec | undefined;
  /** Duration: per-attempt timeout of the step's activity. */
  timeout?: string | undefined;
  onError?: OnError | undefined;
}

export interface ActionCall {
  /** Connection id (templates allowed). */
  connection: string;
  /** Action name of the connection's connector. */
  action: string;
  input?: unknown;
}

export interface ActionStep extends StepBase, ActionCall {
  type: 'action';
}

export interface ConditionStep extends StepBase {
  type: 'condition' | 'branch';
  /** Expression (with or without `{{ }}`). */
  if: string;
  then: Step[];
  else?: Step[] | undefined;
}

export interface ParallelStep extends StepBase {
  type: 'parallel';
  branches: Step[][];
}

export interface WaitStep extends StepBase {
  type: 'wait';
  /** Duration (`10m`, `3d`). */
  duration?: string | undefined;
  /** ISO-8601 time (templates allowed). */
  until?: string | undefined;
}

export interface ApprovalStep extends StepBase {
  type: 'approval';
  /** Who may decide; empty or absent: anyone with API access or a signed link. */
  approvers?: string[] | undefined;
  /** Distinct approving approvers needed (default 1). One rejection rejects. */
  quorum?: number | undefined;
  /** How long to wait (duration). */
  timeout: string;
  /**
   * Reminders: sent at `deadline - before + k * every` (k = 0, 1, …), strictly
   * after the step started and before the deadline. `before` defaults to the whole
   * timeout, `every` to "once". Each reminder sends `action` and, on a step with `notify`,
   * goes to its channels (unless `notify: false`).
   */
  remind?: { every?: string | undefined; before?: string | undefined; action?: ActionCall | undefined; notify?: boolean | undefined } | undefined;
  /**
   * Escalation: when no decision is reached `after` the step started (and before the
   * deadline), `approvers` join those who may decide and `action` is sent once. The
   * escalation approvers' signed links are issued with the others but refused (403)
   * until then.
   */
  escalate?: { after: string; approvers?: string[] | undefined; action?: ActionCall | undefined } | undefined;
  onTimeout: 'approve' | 'reject' | 'fail' | `goto:${string}`;
  /** Shown to approvers (templates allowed). */
  message?: string | undefined;
  /** What is being decided, one line (template), rendered when the step parks. */
  title?: string | undefined;
  /** More about it (template), rendered when the step parks. */
  description?: string | undefined;
  /** A few labelled values shown with the title (templates), rendered when the step parks. */
  context?: { label: string; value: string }[] | undefined;
  /** Where approvers are asked (Slack buttons, emails with signed links); sent by the `notifyApproval` activity. */
  notify?: ApprovalNotifyTarget[] | undefined;
  /** JSON Schema (an object) of the fields the approver fills when deciding (`output.form`). */
  form?: Record<string, unknown> | undefined;
  /**
   * `false`: the principal that started the run (a manual start's API key or console user)
   * and whoever decided an earlier approval step of the run may not decide this one.
   */
  selfApproval?: boolean | undefined;
}

/** One `notify` entry of an approval step. */
export type ApprovalNotifyTarget = { slack: { connection: string; channel: string } } | { email: { connection: string; to?: string | string[] | undefined } };

export interface TransformStep extends StepBase {
  type: 'transform';
  output: unknown;
}

export interface AutomationStep extends StepBase {
  type: 'automation';
  /** Id of the automation to run as a child (its current version at that moment). */
  automation: string;
  input?: unknown;
}

export interface WorkflowStep extends StepBase {
  type: 'workflow';
  /** A code-first workflow of SWITCHBOARD_WORKFLOW_PACKAGES, run as a child. */
  workflow: string;
  input?: unknown;
}

/**
 * A step. Step kinds added by other features (llm, rag_retrieve, mcp_tool) are
 * `ExtensionStep`s here and get their executor from the step registry.
 */
export type Step = ActionStep | ConditionStep | ParallelStep | WaitStep | ApprovalStep | TransformStep | AutomationStep | TryStep | SwitchStep | StopStep | ForeachStep | WaitForEventStep | WorkflowStep | ExtensionStep;

/** A step type registered by another module (see steps/registry.ts). */
export interface ExtensionStep extends StepBase {
  type: string;
  [field: string]: unknown;
}

export type Trigger =
  | { type: 'webhook'; connection: string; events: string[]; filter?: string | undefined }
  | {
      type: 'schedule';
      cron: string;
      timezone?: string | undefined;
      input?: Record<string, unknown> | undefined;
      /** What a due run does while the last one runs (Temporal ScheduleOverlapPolicy); default skip. */
      overlap?: 'skip' | 'buffer_one' | 'buffer_all' | 'cancel_other' | 'allow_all' | undefined;
    }
  | { type: 'manual' }
  | PollTrigger;

export interface Budget {
  /** Step executions per run, across continue-as-new (default 1000): stops goto loops. */
  maxSteps?: number | undefined;
  /** LLM tokens (input + output, as the providers report them) per run; see steps/ai.ts. */
  maxTokens?: number | undefined;
  [key: string]: unknown;
}

export interface AutomationDefinition {
  name: string;
  description?: string | undefined;
  /** `false`: webhook events start no runs (recorded as "automation disabled"), the schedule is paused. */
  enabled?: boolean | undefined;
  trigger: Trigger;
  steps: Step[];
  /** JSON Schema of the run input. */
  input?: Record<string, unknown> | undefined;
  budget?: Budget | undefined;
  /** At most `limit` runs in flight per rendered `key` (docs/concepts/flow-control.md). */
  concurrency?: { limit: number; key?: string | undefined } | undefined;
  /** Temporal task queue priority of the run: 1 first … 5 last. */
  priority?: number | undefined;
  /** Temporal task queue fairness of the run: `key` is a template over input and trigger. */
  fairness?: { key: string; weight?: number | undefined } | undefined;
  /** Webhook automations: collapse a burst of events with the same key into one run (docs/concepts/flow-control.md). */
  debounce?: DebounceSpec | undefined;
  /** Webhook automations: hand up to `maxSize` events to one run (docs/concepts/flow-control.md). */
  batch?: BatchSpec | undefined;
}

/** `debounce` of a webhook automation: the run starts once no event with the key came for `period`. */
export interface DebounceSpec {
  /** Template of the key (`{{ trigger.payload.issue.number }}`). */
  key: string;
  /** Duration. */
  period: string;
  /** Duration from the first event of a window after which the run starts anyway. */
  maxWait?: string | undefined;
}

/** `batch` of a webhook automation: one run per `maxSize` events, or after `timeout` from the first. */
export interface BatchSpec {
  maxSize: number;
  /** Duration. */
  timeout: string;
  /** Template of the key (default: one batch per automation). */
  key?: string | undefined;
}

export type StepStatus = 'pending' | 'running' | 'waiting' | 'completed' | 'failed' | 'skipped';

export interface StepError {
  code: string;
  message: string;
}

export interface StepState {
  id: string;
  type: string;
  status: StepStatus;
  attempts: number;
  output?: unknown;
  error?: StepError | undefined;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  /** A loop's progress (`foreach`): items done, failed and in total. */
  progress?: LoopProgress | undefined;
  /** An `agent` step's turns, tool calls, approvals and results so far (workflows/agent/contracts.ts `AgentTurn`). */
  transcript?: unknown[] | undefined;
}

/** Where a decision was made. */
export const DECISION_CHANNELS = ['console', 'link', 'slack', 'email', 'api', 'mcp'] as const;
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];

/** One recorded approval decision; the approval step's output carries the last one. */
export interface ApprovalDecision {
  /** The principal the decision counts for. */
  approver: string;
  /** Who decided on behalf of `approver` (absent when the approver decided). */
  decidedBy?: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  decidedAt: string;
  /** Where it was decided (absent in decisions recorded before channels were). */
  channel?: DecisionChannel;
  /** The group of the step's `approvers` through which `approver` could decide. */
  group?: string;
  /** The values of the step's `form`, validated against it. */
  form?: Record<string, unknown>;
}

export interface PendingApproval {
  stepId: string;
  approvers: string[];
  quorum: number;
  expiresAt: string;
  message?: string | undefined;
  /** Rendered `title`, `description` and `context` of the step (absent when it has none). */
  title?: string | undefined;
  description?: string | undefined;
  context?: { label: string; value: string }[] | undefined;
  /** The step's `form` (JSON Schema) the approver fills when deciding. */
  form?: Record<string, unknown> | undefined;
  /** Who may not decide (`selfApproval: false`): the run's starter and earlier approvals' deciders. */
  refused?: string[] | undefined;
  decisions: ApprovalDecision[];
  /** When the step escalated (its `escalate.approvers` were added). */
  escalatedAt?: string | undefined;
}

/** What the `runState` query answers. */
export interface RunState {
  automationId: string;
  version: number;
  name: string;
  status: 'running' | 'waiting_approval' | 'waiting_event' | 'completed' | 'failed';
  steps: StepState[];
  pendingApprovals: PendingApproval[];
  /** The events the run is parked on (`wait_for_event` steps); absent in older runs. */
  waitingFor?: PendingEventWait[] | undefined;
  result?: unknown;
  error?: StepError | undefined;
  /** LLM tokens the run's llm steps used so far (provider-reported). */
  usage?: { inputTokens: number; outputTokens: number; cost?: number | undefined; currency?: string | undefined } | undefined;
  /** The run's concurrency key and whether it waits for a slot (automations with `concurrency`). */
  concurrency?: RunConcurrency | undefined;
}

/**
 * A block with error handling: a step of `steps` that fails (after its own retries and
 * `onError`) runs `catch` with `error` (`{ code, message, step }`) in scope; `finally`
 * always runs, also when the run is cancelled or a goto/stop leaves the block.
 */
export interface TryStep extends StepBase {
  type: 'try';
  steps: Step[];
  catch?: Step[] | undefined;
  finally?: Step[] | undefined;
}

/** Runs the first case whose `equals` deep-equals the rendered `value`, else `default`. */
export interface SwitchStep extends StepBase {
  type: 'switch';
  /** Template (`{{ trigger.payload.priority }}`). */
  value: string;
  cases: { equals: unknown; steps: Step[] }[];
  default?: Step[] | undefined;
}

/** Ends the run here: `completed` with `output` as the run's result, or `failed` (code STOPPED) with `reason`. */
export interface StopStep extends StepBase {
  type: 'stop';
  status: 'completed' | 'failed';
  /** Template: the run result's `output`. */
  output?: unknown;
  /** Why (templates allowed); the failure message of a failed stop. */
  reason?: string | undefined;
}

/**
 * Runs `steps` once per element of `items` (docs/concepts/loops.md). Iteration i sees
 * `{{ item }}` (or the `as` name), `{{ index }}` and its own `steps.<id>`; its activities
 * have ids `<id>[<i>].<step id>`.
 */
export interface ForeachStep extends StepBase {
  type: 'foreach';
  /** A template rendering to an array, or an array (elements may be templates). */
  items: string | unknown[];
  /** Name of the loop variable (default `item`). */
  as?: string | undefined;
  /** Iterations running at once, 1..50 (default 1). */
  concurrency?: number | undefined;
  steps: Step[];
  /** Per item: a template over the iteration's scope (default: the last body step's output). */
  output?: unknown;
  /** `fail` (default) fails the loop at the first failed item; `continue` records it in `errors`. */
  onItemError?: 'fail' | 'continue' | undefined;
}

/** A failed item of a loop (`onItemError: continue`), in the loop's output. */
export interface LoopItemError {
  index: number;
  error: StepError & { step?: string | undefined };
}

/** The output of a `foreach` step. */
export interface LoopOutput {
  /** One value per item, in input order (null for a failed item). */
  items: unknown[];
  count: number;
  errors?: LoopItemError[] | undefined;
}

export interface LoopProgress {
  done: number;
  failed: number;
  total: number;
}

/** One iteration's step records (the `loopIterations` query), or the batch workflow that ran it. */
export interface LoopIteration {
  index: number;
  steps?: StepState[] | undefined;
  /** The child workflow of the iteration's batch (its own `loopIterations` query answers the steps). */
  batchWorkflowId?: string | undefined;
}

/**
 * Parks the run until an event of type `event` whose `eventKey` (JSONata over the event)
 * equals the rendered `key` arrives (and `if` holds), or `timeout` passes. See
 * docs/concepts/waiting-for-events.md.
 */
export interface WaitForEventStep extends StepBase {
  type: 'wait_for_event';
  /** Event type pattern, as in webhook triggers (`github.pull_request.closed`, `github.pull_request.*`). */
  event: string;
  /** Only events of this connection (id) match. */
  connection?: string | undefined;
  /** Template rendered when the step starts: the key the event must carry. */
  key: string;
  /** JSONata over the incoming event (`type`, `payload`, `deliveryId`, `connectionId`, `connector`, `receivedAt`). */
  eventKey: string;
  /** JSONata over `event` and the run context (`input`, `trigger`, `steps`, `run`). */
  if?: string | undefined;
  /** How long to wait (duration, at most the dedupe window). */
  timeout: string;
  onTimeout?: 'fail' | 'continue' | undefined;
}

/** An event handed to a waiting run: the `wait_for_event` step's output. */
export interface WaitedEvent {
  type: string;
  payload: unknown;
  deliveryId: string;
  connectionId: string;
  receivedAt: string;
}

/** A `wait_for_event` step the run is parked on (run state, runs API, console). */
export interface PendingEventWait {
  stepId: string;
  event: string;
  key: string;
  connection?: string | undefined;
  deadline: string;
}

/** A polling trigger: the engine polls `connection`'s `trigger` every `interval` (see connectors/sdk/polling.ts). */
export interface PollTrigger {
  type: 'poll';
  connection: string;
  /** Key of the connector's polling trigger (`new_items`). */
  trigger: string;
  /** Default: the trigger's own; never below MIN_POLL_INTERVAL. */
  interval?: string | undefined;
  config?: Record<string, unknown> | undefined;
  /** First poll: also start runs for items at most this old (default: none, start from now). */
  backfill?: string | undefined;
}
