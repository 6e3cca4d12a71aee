/**
 * Messages of the automation interpreter, exported beside it and reused by the API,
 * the typed client and tests. Pure module.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, DecisionChannel, LoopIteration, LoopProgress, RunState } from './types.ts';

/** Current run state: steps with status/attempts/output/error and pending approvals. */
export const runStateQuery = defineQuery<RunState>('runState');

export interface LoopIterationsArgs {
  /** The loop step's id; inside another loop's iteration, its path (`outer[2].inner`). */
  stepId: string;
  /** First iteration index (default 0). */
  from?: number | undefined;
  /** Iterations to answer (default 20, at most 100). */
  limit?: number | undefined;
}

export interface LoopIterationsAnswer {
  stepId: string;
  progress?: LoopProgress | undefined;
  iterations: LoopIteration[];
}

/** Each iteration's steps of a `foreach` loop, a page at a time (the run state carries only the loop's progress). */
export const loopIterationsQuery = defineQuery<LoopIterationsAnswer, [LoopIterationsArgs]>('loopIterations');

export interface DecideApprovalInput {
  stepId: string;
  decision: 'approve' | 'reject';
  /** Who the decision counts for (checked against the step's approvers). */
  approver: string;
  /** Who actually decided, when they acted for `approver` (API keys with `approvals:act-as`). */
  decidedBy?: string | undefined;
  comment?: string | null | undefined;
  /** Where the decision was made (recorded with it). */
  channel?: DecisionChannel | undefined;
  /**
   * The `group:<name>` of the step's approvers through which `approver` decides: the API
   * resolves membership when the decision is made and the validator admits the group's entry.
   */
  group?: string | undefined;
  /** Form values, validated against the step's `form` by the API before the update. */
  form?: Record<string, unknown> | undefined;
}

/**
 * Decides a pending approval step. The validator rejects (nothing is written to
 * history) with an ApplicationFailure whose type is one of {@link APPROVAL_REJECTIONS}.
 * Answers the recorded decision.
 */
export const decideApprovalUpdate = defineUpdate<ApprovalDecision, [DecideApprovalInput]>('decideApproval');

/**
 * Decides a pending approval step in one round trip: the API sends it without reading the
 * step first (no `group`, no `form`). The run admits an approver it lists (or any, when it
 * lists nobody) and records the decision as `decideApproval` would; when the decision needs
 * what only the API can do, the validator answers {@link PREPARATION_NEEDED} (nothing is
 * written) and the API decides through `decideApproval` after reading the step: an approve of
 * a step with a `form` (the values are validated by the API), or an approver the step admits
 * only through a `group:` entry (membership is resolved by the API). A run on code from before
 * this update has no handler for it and rejects it the same way (`No registered handler`).
 */
export const decideApprovalDirectUpdate = defineUpdate<ApprovalDecision, [DecideApprovalInput]>('decideApprovalDirect');

/** The validator's answer to a direct decision the API must prepare (not an HTTP status: the API takes the longer path). */
export const PREPARATION_NEEDED = 'PREPARATION_NEEDED';

/** Failure types of the approval validator, and the HTTP status the API answers with. */
export const APPROVAL_REJECTIONS = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
} as const;

/** The approver recorded when a timeout decides (`onTimeout: approve | reject`). */
export const TIMEOUT_APPROVER = 'system:timeout';

/** Prefix of an approver entry that names a group (`group:finance`); members are resolved when they decide. */
export const GROUP_PREFIX = 'group:';

/** The approver recorded for a signed link of a step without an approver list. */
export const LINK_APPROVER = 'link';

/** Largest JSON size of one step output kept in workflow state/history. */
export const MAX_STEP_OUTPUT_BYTES = 256 * 1024;
