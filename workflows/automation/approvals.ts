/**
 * The approval ledger of a run and the `decideApproval` update handler. The
 * validator runs before anything is written to history: unknown step → NOT_FOUND,
 * decided or not yet waiting → CONFLICT, approver not allowed (not listed, not in a listed
 * group the API resolved, or refused by `selfApproval: false`) → FORBIDDEN.
 * `decideApprovalDirect` (the API's one-round-trip decision) is validated the same way, after
 * sending back (PREPARATION_NEEDED) what needs the API: form values and group membership.
 * Approvals opened with `indexed` keep the inbox index current (approval-index.ts).
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ApplicationFailure, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { APPROVALS_MEMO, approvalIndexAttributes } from './approval-index.ts';
import { decideApprovalDirectUpdate, decideApprovalUpdate, GROUP_PREFIX, PREPARATION_NEEDED, type DecideApprovalInput } from './definitions.ts';
import type { ApprovalDecision, PendingApproval } from './types.ts';

type Entry = PendingApproval & { outcome?: 'approve' | 'reject'; indexed?: boolean };

export class ApprovalLedger {
  readonly pending = new Map<string, Entry>();
  readonly decided = new Set<string>();
  constructor(private readonly approvalStepIds: ReadonlySet<string>) {}

  /** `indexed`: the run recorded APPROVAL_INDEX_PATCH, so this approval is in the inbox index. */
  open(p: PendingApproval, indexed = false): void {
    this.decided.delete(p.stepId);
    this.pending.set(p.stepId, { ...p, ...(indexed ? { indexed } : {}) });
  }

  /**
   * Closes a step; when it was indexed, returns the index attributes of what still waits
   * (for the caller's status upsert) and republishes the memo if another approval waits.
   */
  close(stepId: string): SearchAttributeUpdatePair[] | undefined {
    const indexed = this.pending.get(stepId)?.indexed === true;
    this.pending.delete(stepId);
    this.decided.add(stepId);
    if (!indexed) return undefined;
    if (this.waiting().length > 0) this.publishMemo();
    return this.indexAttributes();
  }

  /** The index attributes of the indexed approvals still waiting for a decision. */
  indexAttributes(): SearchAttributeUpdatePair[] {
    return approvalIndexAttributes(this.waiting());
  }

  /** What the inbox shows of the indexed approvals still waiting (one memo command). */
  publishMemo(): void {
    upsertMemo({ [APPROVALS_MEMO]: this.waiting() });
  }

  private waiting(): PendingApproval[] {
    return this.list(true);
  }

  /** Adds approvers to a waiting step (escalation); the validator admits them from now on. */
  escalate(stepId: string, approvers: readonly string[], at: string): void {
    const p = this.pending.get(stepId);
    if (!p) return;
    p.approvers = [...new Set([...p.approvers, ...approvers])];
    p.escalatedAt = at;
  }

  get(stepId: string): Entry | undefined {
    return this.pending.get(stepId);
  }

  /**
   * The validator of `decideApprovalDirect`: the API read nothing, so an approve of a step with
   * a form, or an approver the step admits only through a group, goes back to it
   * (PREPARATION_NEEDED) to be prepared; anything else is validated as `decideApproval` is.
   */
  validateDirect(args: DecideApprovalInput): void {
    if (args.group !== undefined || args.form !== undefined) {
      throw ApplicationFailure.create({ type: 'INVALID_INPUT', message: 'a direct decision carries no group and no form values', nonRetryable: true });
    }
    const p = this.pending.get(args.stepId);
    if (p && !p.outcome) {
      const viaGroup = p.approvers.length > 0 && !p.approvers.includes(args.approver) && p.approvers.some((a) => a.startsWith(GROUP_PREFIX));
      if (viaGroup || (p.form !== undefined && args.decision === 'approve')) {
        throw ApplicationFailure.create({ type: PREPARATION_NEEDED, message: `approval step "${args.stepId}" needs ${viaGroup ? 'group membership' : 'form values'} checked first`, nonRetryable: true });
      }
    }
    this.validate(args);
  }

  validate(args: DecideApprovalInput): void {
    // Approvals opened by a step at run time (an agent's tool calls) are known by being opened.
    if (!this.approvalStepIds.has(args.stepId) && !this.pending.has(args.stepId) && !this.decided.has(args.stepId)) {
      throw ApplicationFailure.create({ type: 'NOT_FOUND', message: `run has no approval step "${args.stepId}"`, nonRetryable: true });
    }
    const p = this.pending.get(args.stepId);
    if (!p || p.outcome) {
      const why = this.decided.has(args.stepId) || p?.outcome ? 'has already been decided' : 'is not waiting for a decision';
      throw ApplicationFailure.create({ type: 'CONFLICT', message: `approval step "${args.stepId}" ${why}`, nonRetryable: true });
    }
    if (args.decision !== 'approve' && args.decision !== 'reject') {
      throw ApplicationFailure.create({ type: 'INVALID_INPUT', message: 'decision must be approve or reject', nonRetryable: true });
    }
    if (args.approver.startsWith(GROUP_PREFIX)) {
      throw ApplicationFailure.create({ type: 'FORBIDDEN', message: `a group decides through its members, not as "${args.approver}"`, nonRetryable: true });
    }
    // A group entry admits its members: the API resolved membership and names the group.
    const listed = p.approvers.includes(args.approver) || (args.group !== undefined && args.group.startsWith(GROUP_PREFIX) && p.approvers.includes(args.group));
    if (p.approvers.length > 0 && !listed) {
      throw ApplicationFailure.create({ type: 'FORBIDDEN', message: `"${args.approver}" may not decide approval step "${args.stepId}"`, nonRetryable: true });
    }
    if (p.refused?.includes(args.approver)) {
      throw ApplicationFailure.create({
        type: 'FORBIDDEN',
        message: `"${args.approver}" may not decide approval step "${args.stepId}": it forbids self-approval (the run's starter and earlier approvals' deciders)`,
        nonRetryable: true,
      });
    }
    if (p.decisions.some((d) => d.approver === args.approver)) {
      throw ApplicationFailure.create({ type: 'CONFLICT', message: `"${args.approver}" has already decided approval step "${args.stepId}"`, nonRetryable: true });
    }
  }

  decide(args: DecideApprovalInput): ApprovalDecision {
    const p = this.pending.get(args.stepId)!;
    const decision: ApprovalDecision = {
      approver: args.approver,
      // Only inputs that carry it (API act-as) record it: old histories replay unchanged.
      ...(args.decidedBy !== undefined ? { decidedBy: args.decidedBy } : {}),
      decision: args.decision,
      comment: args.comment ?? null,
      decidedAt: new Date().toISOString(),
      // Fields the input carries only since channels, groups and forms: old histories replay unchanged.
      ...(args.channel !== undefined ? { channel: args.channel } : {}),
      ...(args.group !== undefined ? { group: args.group } : {}),
      ...(args.form !== undefined ? { form: args.form } : {}),
    };
    p.decisions.push(decision);
    // One rejection rejects; approval needs `quorum` distinct approvers.
    if (decision.decision === 'reject') p.outcome = 'reject';
    else if (new Set(p.decisions.filter((d) => d.decision === 'approve').map((d) => d.approver)).size >= p.quorum) p.outcome = 'approve';
    // A decided step leaves the index when the step closes (same workflow task); a partial
    // decision (quorum > 1) takes its approver out of the index now.
    if (p.indexed && !p.outcome) {
      upsertSearchAttributes(this.indexAttributes());
      this.publishMemo();
    }
    return decision;
  }

  install(): void {
    setHandler(decideApprovalUpdate, (args) => this.decide(args), { validator: (args) => this.validate(args) });
    setHandler(decideApprovalDirectUpdate, (args) => this.decide(args), { validator: (args) => this.validateDirect(args) });
  }

  /** Approvals waiting for a decision (`indexedOnly`: those in the inbox index). */
  list(indexedOnly = false): PendingApproval[] {
    return [...this.pending.values()]
      .filter((p) => !p.outcome && (!indexedOnly || p.indexed))
      .map(({ outcome: _o, indexed: _i, ...p }) => ({ ...p, decisions: [...p.decisions] }));
  }
}
