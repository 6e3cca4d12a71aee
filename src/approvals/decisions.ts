/**
 * Deciding an approval: who a caller decides as (`approverFor`), what a decision carries
 * to the run beyond who and what (the channel it came through, the group that admits the
 * approver, resolved now, and form values validated against the step's form), and `decide`,
 * the `decideApproval` update every channel (console, API, MCP, links, Slack, email) calls
 * with a {@link DecideRequest}.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Principal } from '../security/principal.ts';
import { requireScope } from '../security/scopes.ts';
import { isAutomationRun } from '../automations/runs.ts';
import { APPROVAL_REJECTIONS, decideApprovalDirectUpdate, decideApprovalUpdate, PREPARATION_NEEDED } from '../../workflows/automation/definitions.ts';
import { APPROVALS_MEMO } from '../../workflows/automation/approval-index.ts';
import type { Services } from '../services.ts';
import type { DecideApprovalInput } from '../../workflows/automation/definitions.ts';
import type { ApprovalDecision, DecisionChannel, PendingApproval } from '../../workflows/automation/types.ts';
import { assertFormValues } from './form.ts';
import { groupEntriesOf } from './groups.ts';
import { queryRunState } from '../automations/run-query.ts';
import { isTemporalUnavailable } from '../temporal/unavailable.ts';
import { pingTemporal } from '../temporal/client.ts';
import { ApiError, notFound, TemporalUnavailableError } from '../errors.ts';

/** How long a decision waits for the run's pending step (its form and approvers) before it says why not. */
const PENDING_QUERY_DEADLINE_MS = 2_500;

export type { DecisionChannel };

/** A decision as a channel hands it over. */
export interface DecideRequest {
  stepId: string;
  decision: 'approve' | 'reject';
  /** The principal the decision counts for. */
  approver: string;
  /** Who decided for `approver` (an API key with `approvals:act-as`). */
  decidedBy?: string | undefined;
  comment?: string | null | undefined;
  /** Values of the step's `form` (validated here; a reject may leave them out). */
  form?: Record<string, unknown> | undefined;
  channel: DecisionChannel;
}

/**
 * The pending step as the run's inbox memo has it (`approvals`, kept by the run since
 * `approval-inbox-index`): a describe, answered by Temporal alone, with no worker round trip
 * and no replay of an evicted run. `null` when the memo does not have the step (runs parked
 * before the index, approvals outside it): the caller asks the run. Undefined when the run is
 * not running (the update answers why). The memo may still list a step that closed after its
 * last publication: the update's validator answers that one.
 */
async function pendingFromMemo(services: Services, handle: WorkflowHandle, stepId: string): Promise<PendingApproval | undefined | null> {
  const deadline = Date.now() + PENDING_QUERY_DEADLINE_MS;
  let described: Awaited<ReturnType<WorkflowHandle['describe']>>;
  try {
    described = await services.temporal.client.connection.withDeadline(deadline, () => handle.describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    if (isTemporalUnavailable(err)) throw err;
    // Not answered in time: a Temporal that is down answers 503 now; a slow one leaves it to the run.
    await pingTemporal(services.temporal, 1_000).catch((cause: unknown) => {
      throw new TemporalUnavailableError(`Temporal is not reachable: ${(cause as Error).message}`, { cause });
    });
    return null;
  }
  if (described.status.name !== 'RUNNING') return undefined;
  const listed = described.memo?.[APPROVALS_MEMO] as PendingApproval[] | undefined;
  return listed?.find((p) => p.stepId === stepId) ?? null;
}

/** The pending step, or undefined when the run cannot say (closed, unknown: the update answers why). */
async function pendingStep(services: Services, handle: WorkflowHandle, stepId: string): Promise<PendingApproval | undefined> {
  const fromMemo = await pendingFromMemo(services, handle, stepId);
  if (fromMemo !== null) return fromMemo;
  try {
    return (await queryRunState(services, handle, PENDING_QUERY_DEADLINE_MS)).pendingApprovals.find((p) => p.stepId === stepId);
  } catch (err) {
    // Temporal down: answer that now (503), not after the update has waited out its own deadline too.
    if (isTemporalUnavailable(err)) throw err;
    if (err instanceof ApiError && err.code === 'RUN_STATE_UNAVAILABLE') {
      // Not answered in time: Temporal itself is down (503 TEMPORAL_UNAVAILABLE), or no worker
      // answers the run (503 as the query said: the update could not be decided either).
      await pingTemporal(services.temporal, 1_000).catch((cause: unknown) => {
        throw new TemporalUnavailableError(`Temporal is not reachable: ${(cause as Error).message}`, { cause });
      });
      throw err;
    }
    return undefined;
  }
}

/** The update's input for `request`: form values checked, the admitting group resolved. */
export async function prepareDecision(services: Services, handle: WorkflowHandle, request: DecideRequest): Promise<DecideApprovalInput> {
  const { form, ...rest } = request;
  const args: DecideApprovalInput = { ...rest, comment: request.comment ?? null };
  const pending = await pendingStep(services, handle, request.stepId);
  if (!pending) return form !== undefined ? { ...args, form } : args;
  if (pending.form && (request.decision === 'approve' || form !== undefined)) {
    assertFormValues(pending.form, form ?? {});
    args.form = form ?? {};
  }
  // A listed principal decides as itself; otherwise the first group of the list it belongs to admits it.
  if (!pending.approvers.includes(request.approver)) {
    const [group] = await groupEntriesOf(services.orm.em.fork(), request.approver, pending.approvers);
    if (group !== undefined) args.group = group;
  }
  return args;
}

/**
 * Who a caller decides as: its own principal, or (with `approvals:act-as`) the approver
 * it names, recording both. Nobody decides as someone else by merely naming them.
 */
export function approverFor(principal: Principal, requested: string | undefined): { approver: string; decidedBy?: string } {
  if (requested === undefined || requested === principal.name) return { approver: principal.name };
  requireScope(principal, 'approvals:act-as');
  return { approver: requested, decidedBy: principal.name };
}

/** 409 when the run is closed (its approvals with it), else 404: after Temporal answered "not found" to an update. */
async function closedOrMissing(handle: WorkflowHandle, workflowId: string): Promise<ApiError> {
  const status = await handle.describe().then(
    (desc) => desc.status.name,
    (err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    },
  );
  if (status !== undefined && status !== 'RUNNING') return new ApiError(409, 'CONFLICT', `run ${workflowId} is ${status.toLowerCase()}; its approvals are closed`);
  return notFound(`run ${workflowId}`);
}

/** A rejection of the direct update that asks for the prepared path: the step needs the API, or the run's code predates the update. */
function needsPreparation(err: unknown): boolean {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return false;
  return err.cause.type === PREPARATION_NEEDED || err.cause.message.startsWith('No registered handler for update');
}

/** Maps the update's rejections: not found → 404 or 409 (closed), a validator's type → its status. */
async function decisionError(err: unknown, handle: WorkflowHandle, workflowId: string): Promise<unknown> {
  if (err instanceof WorkflowNotFoundError) return closedOrMissing(handle, workflowId);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const type = err.cause.type ?? '';
    const status = APPROVAL_REJECTIONS[type as keyof typeof APPROVAL_REJECTIONS] ?? 400;
    return new ApiError(status, type || 'INVALID_INPUT', err.cause.message);
  }
  return err;
}

/**
 * Records a decision; validator rejections map to 404/409/403. Every channel (console, API,
 * MCP, links, Slack, email) decides through here, naming itself in `channel`.
 *
 * One round trip when it can: a decision without form values goes straight to the run
 * (`decideApprovalDirect`), which admits an approver it lists and records it. When the step
 * has a form to validate or admits the approver only through a group — or the run's code
 * predates the direct update — the run sends it back unrecorded, and the decision takes the
 * prepared path: `prepareDecision` reads the pending step (values validated: 400 with paths,
 * still pending; membership resolved now) and `decideApproval` records it. Only when Temporal
 * answers "not found" (no such run, or a closed one) does a describe tell 404 from 409. An
 * unreachable Temporal answers 503 within seconds: the update retries UNAVAILABLE only as long
 * as a bounded call would (src/temporal/client.ts).
 */
export async function decide(services: Services, workflowId: string, request: DecideRequest): Promise<ApprovalDecision> {
  if (!isAutomationRun(workflowId)) throw notFound(`run ${workflowId}`);
  const handle = services.temporal.client.workflow.getHandle(workflowId);
  if (request.form === undefined) {
    try {
      return await handle.executeUpdate(decideApprovalDirectUpdate, { args: [{ ...request, comment: request.comment ?? null }] });
    } catch (err) {
      if (!needsPreparation(err)) throw await decisionError(err, handle, workflowId);
    }
  }
  const args = await prepareDecision(services, handle, request);
  try {
    return await handle.executeUpdate(decideApprovalUpdate, { args: [args] });
  } catch (err) {
    throw await decisionError(err, handle, workflowId);
  }
}
