/**
 * `switchboard/workflow`: Switchboard's connectors, approvals and AI steps inside your own
 * Temporal workflow code. Workflow-safe (deterministic, no Node APIs): import it in a
 * workflow module. Each helper is one step of the run — on the run page with its status,
 * attempts, output and error — and schedules the same activities with the same options as
 * the automation interpreter's step of the same type (it runs that step's executor).
 * Secrets never enter the workflow: connections are named by id or name and resolved by
 * the activity.
 *
 * Every helper takes `{ id }`: the step id shown on the run page and used by the approval
 * endpoints (`POST /api/v1/runs/:workflowId/approvals/:stepId`). Without one the id is
 * `<helper>-<n>`, n the call's position among the run's helper calls (`action-1`,
 * `approval-2`); a second call with the same id is the step's next visit.
 *
 * A failed step rejects with an `ApplicationFailure` whose `type` is the step's error code
 * (`CONFIG_INVALID`, `INVALID_INPUT`, `TIMEOUT`, the connector's codes) and whose message
 * names the step id; uncaught, it fails the run.
 *
 * @example
 * import { action, approval } from 'switchboard/workflow';
 * export async function refund(input: { amount: number }) {
 *   const decision = await approval({ id: 'finance', approvers: ['ada'], title: `Refund ${input.amount}?`, timeout: '3d' });
 *   if (decision.decision === 'approve') await action('slack', 'send_message', { channel: '#finance', text: `Refund ${input.amount} approved` }, { id: 'notify' });
 * }
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { LlmStep, LlmStepResult, McpToolStep, RagRetrieveStep } from '../ai-steps.ts';
import type { ActionCall, ApprovalDecision, ApprovalNotifyTarget, ApprovalStep, RetrySpec, Step, WaitedEvent } from '../automation/types.ts';
import { DURATION_RE } from '../automation/duration.ts';
import { codeRun } from './run.ts';

export { CODE_WORKFLOW_PREFIX } from './names.ts';
export type { LlmStepResult, RetrySpec, WaitedEvent, ApprovalDecision, ApprovalNotifyTarget };

/** Options every helper takes. */
export interface StepOptions {
  /** Step id (run page, approval endpoints); default `<helper>-<n>`. */
  id?: string | undefined;
  /** Human-readable name (Temporal UI summaries). */
  name?: string | undefined;
  /** Retry policy of the step's activity (the interpreter's `retry`). */
  retry?: RetrySpec | undefined;
  /** Per-attempt timeout of the step's activity (duration: `30s`, `5m`). */
  timeout?: string | undefined;
}

function base(kind: string, options: StepOptions | undefined): { id: string; name?: string; retry?: RetrySpec; timeout?: string } {
  const { id, name, retry, timeout } = options ?? {};
  return { id: codeRun().stepId(kind, id), ...(name === undefined ? {} : { name }), ...(retry === undefined ? {} : { retry }), ...(timeout === undefined ? {} : { timeout }) };
}

function invalid(stepId: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'CONFIG_INVALID', message: `step ${stepId}: ${message}`, nonRetryable: true, details: [{ stepId, code: 'CONFIG_INVALID', message }] });
}

function requireText(stepId: string, field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) throw invalid(stepId, `${field} must be a non-empty string`);
}

/**
 * Runs `action` of a Switchboard connection (id or name) with `input`: the `action` step.
 * Unknown connection or action → `CONFIG_INVALID`/`NOT_FOUND`; input the action's schema
 * refuses → `INVALID_INPUT`.
 */
export async function action<T = unknown>(connection: string, actionName: string, input: unknown = {}, options?: StepOptions): Promise<T> {
  const step = { ...base('action', options), type: 'action' as const, connection, action: actionName, input };
  requireText(step.id, 'connection', connection);
  requireText(step.id, 'action', actionName);
  return (await codeRun().run(step)) as T;
}

/** Options of {@link approval}: the `approval` step's fields. */
export interface ApprovalOptions extends Omit<StepOptions, 'timeout' | 'retry'> {
  /** Who may decide (principal names); empty or absent: anyone with `approvals:decide`. */
  approvers?: string[] | undefined;
  /** Distinct approving approvers needed (default 1). One rejection rejects. */
  quorum?: number | undefined;
  /** What is being decided, one line. */
  title?: string | undefined;
  description?: string | undefined;
  message?: string | undefined;
  context?: { label: string; value: string }[] | undefined;
  /** How long to wait (duration: `3d`). */
  timeout: string;
  /** What a timeout decides (default `reject`); `fail` fails the step with `TIMEOUT`. */
  onTimeout?: 'approve' | 'reject' | 'fail' | undefined;
  /** Reminders, as the step's `remind` (an action sent on a timer). */
  remind?: { every?: string | undefined; before?: string | undefined; action: ActionCall } | undefined;
  /** Escalation, as the step's `escalate`. */
  escalate?: { after: string; approvers?: string[] | undefined; action?: ActionCall | undefined } | undefined;
  /** A form the approver fills in (JSON Schema of an object), where the approval step supports forms. */
  form?: Record<string, unknown> | undefined;
  /**
   * Where to ask the approvers, as the step's `notify`: a Slack message with Approve / Reject
   * buttons, or an email per approver with their own signed, single-use approve / reject links.
   */
  notify?: ApprovalNotifyTarget[] | undefined;
  /** false: earlier approvals' deciders of this run may not decide (as the step's `selfApproval`). */
  selfApproval?: boolean | undefined;
}

/** What {@link approval} resolves to: the deciding decision and all decisions so far. */
export interface ApprovalResult extends ApprovalDecision {
  decisions: ApprovalDecision[];
  /** Set when the deadline decided (`onTimeout: approve | reject`). */
  timedOut?: boolean;
  /** The values of the approval's form, when it had one. */
  form?: Record<string, unknown>;
  remindersSent: number;
}

/**
 * Parks the run on an approval — the same records, inbox entry, signed-link endpoints and
 * `decideApproval` update as the `approval` step — and resolves to the decision.
 */
export async function approval(options: ApprovalOptions): Promise<ApprovalResult> {
  const { id: _id, name: _name, onTimeout, ...fields } = options;
  const step = { ...base('approval', options), ...fields, type: 'approval' as const, onTimeout: onTimeout ?? 'reject' } as ApprovalStep;
  // base() set `timeout` only from StepOptions; the approval's own timeout is its deadline.
  step.timeout = options.timeout;
  requireText(step.id, 'timeout', options.timeout);
  if (!DURATION_RE.test(options.timeout)) throw invalid(step.id, `timeout "${options.timeout}" is not a duration (30s, 10m, 3d)`);
  if (options.approvers !== undefined && (!Array.isArray(options.approvers) || options.approvers.some((a) => typeof a !== 'string'))) throw invalid(step.id, 'approvers must be a list of names');
  return (await codeRun().run(step)) as ApprovalResult;
}

/** A model call (the `llm` step): `connection` is an LLM connection; counts against the run's token ledger. */
export async function llm(call: LlmStep, options?: StepOptions): Promise<LlmStepResult> {
  const step = { ...base('llm', options), ...call, type: 'llm' } as unknown as Step;
  requireText(step.id, 'connection', call.connection);
  return (await codeRun().run(step)) as LlmStepResult;
}

/** Retrieval from a RAG index (the `rag_retrieve` step). */
export async function ragRetrieve<T = unknown>(call: RagRetrieveStep, options?: StepOptions): Promise<T> {
  const step = { ...base('rag_retrieve', options), ...call, type: 'rag_retrieve' } as unknown as Step;
  requireText(step.id, 'index', call.index);
  requireText(step.id, 'query', call.query);
  return (await codeRun().run(step)) as T;
}

/** A tool call on a registered MCP server (the `mcp_tool` step). */
export async function mcpTool<T = unknown>(call: McpToolStep, options?: StepOptions): Promise<T> {
  const step = { ...base('mcp_tool', options), ...call, type: 'mcp_tool' } as unknown as Step;
  requireText(step.id, 'server', call.server);
  return (await codeRun().run(step)) as T;
}

/** Options of {@link waitForEvent}: the `wait_for_event` step's fields. */
export interface WaitForEventOptions extends Omit<StepOptions, 'timeout' | 'retry'> {
  /** Event type pattern (`github.pull_request.closed`, `github.pull_request.*`). */
  event: string;
  /** Only events of this connection (id). */
  connection?: string | undefined;
  /** The key the event must carry. */
  key: string | number;
  /** JSONata over the incoming event that gives its key (`payload.pull_request.number`). */
  eventKey: string;
  /** JSONata over `event` (and `input`, `steps`); an event it refuses leaves the run waiting. */
  if?: string | undefined;
  /** How long to wait (duration). */
  timeout: string;
  /** `continue`: resolve to `{ timedOut: true }` at the deadline; default `fail` (`TIMEOUT`). */
  onTimeout?: 'fail' | 'continue' | undefined;
}

/** Parks the run until a matching event arrives (the `wait_for_event` step); resolves to the event. */
export async function waitForEvent(options: WaitForEventOptions): Promise<WaitedEvent | { timedOut: true }> {
  const { id: _id, name: _name, key, ...fields } = options;
  const step = { ...base('wait_for_event', options), ...fields, key: String(key), type: 'wait_for_event' as const };
  requireText(step.id, 'event', options.event);
  requireText(step.id, 'eventKey', options.eventKey);
  return (await codeRun().run(step as Step)) as WaitedEvent | { timedOut: true };
}

/** Runs an automation (its current version) as a child workflow (the `automation` step); resolves to its result. */
export async function childAutomation<T = unknown>(automationId: string, input: unknown = {}, options?: Omit<StepOptions, 'retry' | 'timeout'>): Promise<T> {
  const step = { ...base('automation', options), type: 'automation' as const, automation: automationId, input };
  requireText(step.id, 'automation', automationId);
  return (await codeRun().run(step)) as T;
}

/** Creates the run's context now (the run state query answers from the first workflow task). Idempotent. */
export function setup(): void {
  codeRun();
}
