/**
 * The approval ledger of a run and the `decideApproval` update handler. The
 * validator runs before anything is written to history: unknown step → NOT_FOUND,
 * decided or not yet waiting → CONFLICT, approver not allowed → FORBIDDEN.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { decideApprovalUpdate, type DecideApprovalInput } from './definitions.ts';
import type { ApprovalDecision, PendingApproval } from './types.ts';

type Entry = PendingApproval & { outcome?: 'approve' | 'reject' };

export class ApprovalLedger {
  readonly pending = new Map<string, Entry>();
  readonly decided = new Set<string>();
  constructor(private readonly approvalStepIds: ReadonlySet<string>) {}

  open(p: PendingApproval): void {
    this.decided.delete(p.stepId);
    this.pending.set(p.stepId, { ...p });
  }

  close(stepId: string): void {
    this.pending.delete(stepId);
    this.decided.add(stepId);
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

  validate(args: DecideApprovalInput): void {
    if (!this.approvalStepIds.has(args.stepId)) {
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
    if (p.approvers.length > 0 && !p.approvers.includes(args.approver)) {
      throw ApplicationFailure.create({ type: 'FORBIDDEN', message: `"${args.approver}" may not decide approval step "${args.stepId}"`, nonRetryable: true });
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
    };
    p.decisions.push(decision);
    // One rejection rejects; approval needs `quorum` distinct approvers.
    if (decision.decision === 'reject') p.outcome = 'reject';
    else if (new Set(p.decisions.filter((d) => d.decision === 'approve').map((d) => d.approver)).size >= p.quorum) p.outcome = 'approve';
    return decision;
  }

  install(): void {
    setHandler(decideApprovalUpdate, (args) => this.decide(args), { validator: (args) => this.validate(args) });
  }

  list(): PendingApproval[] {
    return [...this.pending.values()].filter((p) => !p.outcome).map(({ outcome: _o, ...p }) => ({ ...p, decisions: [...p.decisions] }));
  }
}
