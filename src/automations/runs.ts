/**
 * Runs of automations on Temporal: start (idempotent by key), status (query +
 * describe + history for attempts), list (visibility over search attributes),
 * cancel. Approval decisions are src/approvals/decisions.ts.
 */
import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { z } from 'zod';
import { ApiError, notFound } from '../errors.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import { runWorkflowId, WORKFLOW_TYPES } from '../temporal/constants.ts';
import { SA } from '../temporal/search-attributes.ts';
import { requestHash } from '../temporal/request-fingerprint.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import type { AutomationRunInput, RunTrigger } from '../../workflows/contracts.ts';
import type { PendingApproval, PendingEventWait, RunState, StepState } from '../../workflows/automation/types.ts';
import { runApprovalLinks } from '../approvals/links.ts';
import { queryRunState } from './run-query.ts';
import { redrivesOf } from './redrive.ts';
import type { AutomationService } from './service.ts';
import { runPriority, type RunPriorityOverride } from './run-priority.ts';
import { concurrencyQueueQuery, queuedBehind } from '../../workflows/automation/concurrency-contracts.ts';

export const IDEMPOTENCY_KEY_RE = /^[\w.:-]{1,128}$/;

export interface StartedRun {
  workflowId: string;
  runId: string;
  duplicate: boolean;
}

/** Starts a run of the automation's current version. The same key never starts a second run. */
export async function startRun(
  services: Services,
  automations: AutomationService,
  automationId: string,
  opts: { input: unknown; idempotencyKey?: string | undefined; trigger?: RunTrigger; budget?: AutomationRunInput['budget']; priority?: RunPriorityOverride | undefined },
): Promise<StartedRun> {
  const automation = await automations.get(automationId);
  const def = automation.definition;
  if (def.input) {
    const result = z.fromJSONSchema(def.input as never).safeParse(opts.input);
    if (!result.success) {
      throw new ApiError(400, 'INVALID_INPUT', `input does not match the automation's input schema: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
  }
  const workflowId = runWorkflowId(automationId, opts.idempotencyKey ?? nanoid(12));
  const trigger = opts.trigger ?? { type: 'manual' };
  const actionQueues = await services.connectionRateLimits.queuesFor(def);
  const approvalLinks = runApprovalLinks(services.keyring, services.config.publicUrl, workflowId, def as unknown as Record<string, unknown>);
  const args: AutomationRunInput = {
    automationId,
    version: automation.version,
    input: opts.input ?? {},
    trigger,
    ...(opts.budget ? { budget: opts.budget } : {}),
    pinned: { name: String(def.name), definition: def as unknown as Record<string, unknown> },
    attributesAtStart: true,
    ...(actionQueues ? { actionQueues } : {}),
    ...(approvalLinks ? { approvalLinks } : {}),
  };
  const priority = await runPriority(def, args, opts.priority);
  const started = await services.starter.start(
    WORKFLOW_TYPES.automation,
    {
      ...(priority ? { priority } : {}),
      taskQueue: services.temporal.taskQueue,
      workflowId,
      args: [args],
      staticSummary: `${automation.name} v${automation.version}`,
      staticDetails: [`**Automation** ${automation.name} (\`${automationId}\`), version ${automation.version}`, `**Trigger** ${trigger.type}`, def.description ?? ''].join('\n\n'),
      typedSearchAttributes: runSearchAttributes(args),
    },
    // An idempotency key names one run forever (while the namespace keeps it), also after it closed.
    { requestHash: opts.idempotencyKey !== undefined ? requestHash({ input: opts.input ?? {}, budget: opts.budget ?? null, ...(opts.priority ? { priority: opts.priority } : {}) }) : undefined },
  );
  return { workflowId, runId: started.runId, duplicate: !started.started };
}

export interface RunView {
  workflowId: string;
  runId: string;
  status: string;
  automationId: string;
  version: number;
  name: string;
  steps: StepState[];
  pendingApprovals: PendingApproval[];
  /** The events a waiting run is parked on (`wait_for_event`): type pattern, key, deadline. */
  waitingFor?: PendingEventWait[] | undefined;
  result?: unknown;
  error?: { code: string; message: string } | undefined;
  /** LLM tokens used by the run's llm steps (provider-reported). */
  usage: { inputTokens: number; outputTokens: number };
  startedAt: string;
  closedAt?: string | undefined;
  /** The run's input (from its start input, decoded like any payload); absent when the history is not readable. */
  input?: unknown;
  /** What started the run: a webhook run's trigger holds the event with its payload (no headers). */
  trigger?: RunTriggerView | undefined;
  /** The run this run re-drives, if it is a re-drive. */
  redriveOf?: string | undefined;
  /** The step a re-drive started at (the steps before it kept the source run's results). */
  fromStep?: string | undefined;
  /** Runs that re-drive this run (newest first). */
  redrivenBy: string[];
  /** The run's concurrency key; while it waits for a slot, `queuedBehind` runs are ahead of it (in flight or earlier in line). */
  concurrency?: { key: string; status: 'queued' | 'running'; queuedBehind?: number | undefined } | undefined;
}

export function isAutomationRun(workflowId: string): boolean {
  return workflowId.startsWith('run:');
}

/** What started a run, as the run page shows it: the trigger and, for webhooks, the event (no headers). */
export type RunTriggerView =
  | {
      type: 'webhook';
      test?: true;
      event: WebhookEventView;
      /** Debounced runs: how many events were collapsed into this one (`event` is the last). */
      debounced?: number;
      /** Batched runs: the events of the batch (`event` is the first). */
      events?: WebhookEventView[];
    }
  | { type: 'schedule'; scheduledAt?: string }
  | { type: 'manual'; principal?: string }
  | { type: 'automation'; parentWorkflowId: string }
  | { type: 'poll'; connectionId: string; trigger: string; id: string; payload: unknown; at?: string | undefined };

/** A webhook event as the run page shows it (no headers). */
export interface WebhookEventView {
  type: string;
  id: string;
  source: { connector: string; connectionId: string };
  receivedAt: string;
  payload: unknown;
}

const eventView = ({ type, id, source, receivedAt, payload }: WebhookEventView): WebhookEventView => ({ type, id, source, receivedAt, payload });

function triggerView(trigger: RunTrigger): RunTriggerView {
  if (trigger.type !== 'webhook') return trigger as RunTriggerView;
  return {
    type: 'webhook',
    ...(trigger.test ? { test: true as const } : {}),
    event: eventView(trigger.event),
    ...(trigger.debounced !== undefined ? { debounced: trigger.debounced } : {}),
    ...(trigger.events ? { events: trigger.events.map(eventView) } : {}),
  };
}

/**
 * Attempts per activity id, from the run's history (the workflow itself cannot see
 * retries), and the run's start input (decoded through the client's data converter,
 * so encrypted payloads read the same).
 */
async function attemptsByActivityId(services: Services, workflowId: string, runId: string): Promise<{ attempts: Map<string, number>; input: AutomationRunInput | undefined }> {
  const history = await services.temporal.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts = new Map<string, number>();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const input = started
    ? await decodeFromPayloadsAtIndex<AutomationRunInput>(services.temporal.client.options.loadedDataConverter, 0, started.input?.payloads).catch(() => undefined)
    : undefined;
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityId) scheduled.set(String(e.eventId), s.activityId);
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const id = scheduled.get(String(started.scheduledEventId));
      if (id) attempts.set(id, Math.max(attempts.get(id) ?? 0, started.attempt ?? 1));
    }
  }
  return { attempts, input };
}

/** Status of a run: Temporal's status, the interpreter's step states, approvals and result. */
export async function getRun(services: Services, workflowId: string): Promise<RunView> {
  if (!isAutomationRun(workflowId)) throw notFound(`run ${workflowId}`);
  const handle = services.temporal.client.workflow.getHandle(workflowId);
  let desc: WorkflowExecutionDescription;
  try {
    desc = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`run ${workflowId}`);
    throw err;
  }
  // Runs of code-first workflows carry automation version 0 (src/workflow-packages/runs.ts).
  if (desc.type !== WORKFLOW_TYPES.automation && desc.typedSearchAttributes.get(SA.automationVersion) !== 0) throw notFound(`run ${workflowId}`);
  const state: RunState = await queryRunState(services, handle);
  const { attempts, input } = await attemptsByActivityId(services, workflowId, desc.runId);
  for (const p of desc.raw.pendingActivities ?? []) if (p.activityId) attempts.set(p.activityId, Math.max(attempts.get(p.activityId) ?? 0, p.attempt ?? 1));
  const steps = state.steps.map((s) => {
    const a = attempts.get(s.id);
    return a && s.attempts > 0 ? { ...s, attempts: a } : s;
  });
  const redrivenBy = await redrivesOf(services, workflowId);
  const status = desc.status.name.toLowerCase();
  const queued = status === 'running' && state.concurrency?.status === 'queued';
  const concurrency = state.concurrency
    ? { key: state.concurrency.key, status: state.concurrency.status, ...(queued ? { queuedBehind: await queuedBehindOf(services, state.concurrency.keeperId, workflowId) } : {}) }
    : undefined;
  let result: unknown;
  if (status === 'completed') result = await handle.result();
  return {
    workflowId,
    runId: desc.runId,
    status: queued ? 'queued' : status === 'running' && (state.status === 'waiting_approval' || state.status === 'waiting_event') ? state.status : status,
    automationId: state.automationId,
    version: state.version,
    name: state.name,
    steps,
    pendingApprovals: state.pendingApprovals,
    ...(status === 'running' && state.waitingFor?.length ? { waitingFor: state.waitingFor } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(state.error ? { error: state.error } : {}),
    usage: state.usage ?? { inputTokens: 0, outputTokens: 0 },
    startedAt: desc.startTime.toISOString(),
    ...(desc.closeTime ? { closedAt: desc.closeTime.toISOString() } : {}),
    ...(input ? { input: input.input } : {}),
    ...(input?.trigger ? { trigger: triggerView(input.trigger) } : {}),
    ...(input?.redriveOf !== undefined ? { redriveOf: input.redriveOf } : {}),
    ...(input?.redriveFrom ? { fromStep: input.redriveFrom.fromStep } : {}),
    redrivenBy,
    ...(concurrency ? { concurrency } : {}),
  };
}

/** How many runs are ahead of a queued run, from its keeper; undefined while the keeper has not seen the request yet. */
async function queuedBehindOf(services: Services, keeperId: string, workflowId: string): Promise<number | undefined> {
  try {
    return queuedBehind(await services.temporal.client.workflow.getHandle(keeperId).query(concurrencyQueueQuery), workflowId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function cancelRun(services: Services, workflowId: string): Promise<void> {
  if (!isAutomationRun(workflowId)) throw notFound(`run ${workflowId}`);
  try {
    const handle = services.temporal.client.workflow.getHandle(workflowId);
    const desc = await handle.describe();
    if (desc.status.name !== 'RUNNING') throw new ApiError(409, 'CONFLICT', `run ${workflowId} is already ${desc.status.name.toLowerCase()}`);
    await handle.cancel();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`run ${workflowId}`);
    throw err;
  }
}

