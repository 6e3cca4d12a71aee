/**
 * What a decision carries to the run beyond who and what: the channel it came through,
 * the group that admits the approver (resolved now), and form values validated against
 * the step's form. Every channel builds a {@link DecideRequest} and calls `decide`
 * (src/automations/runs.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { Services } from '../services.ts';
import type { DecideApprovalInput } from '../../workflows/automation/definitions.ts';
import type { DecisionChannel, PendingApproval } from '../../workflows/automation/types.ts';
import { assertFormValues } from './approval-form.ts';
import { groupEntriesOf } from './groups.ts';
import { queryRunState } from './run-query.ts';
import { isTemporalUnavailable } from '../temporal/unavailable.ts';
import { pingTemporal } from '../temporal/client.ts';
import { ApiError, TemporalUnavailableError } from '../errors.ts';

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

/** The pending step, or undefined when the run cannot say (closed, unknown: the update answers why). */
async function pendingStep(services: Services, handle: WorkflowHandle, stepId: string): Promise<PendingApproval | undefined> {
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
