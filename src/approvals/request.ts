/**
 * What an approval asks, as the Slack message and the email show it: the automation's
 * name, the rendered title, description and context, the deadline and who may decide.
 */
import type { ApprovalDecision, PendingApproval } from '../../workflows/automation/types.ts';

export interface ApprovalRequest {
  workflowId: string;
  automationName: string;
  stepId: string;
  approvers: string[];
  quorum: number;
  expiresAt: string;
  title?: string | undefined;
  description?: string | undefined;
  context?: { label: string; value: string }[] | undefined;
  message?: string | undefined;
}

/** The request of a pending approval of a run. */
export function requestOf(workflowId: string, automationName: string, p: PendingApproval): ApprovalRequest {
  return {
    workflowId,
    automationName,
    stepId: p.stepId,
    approvers: p.approvers,
    quorum: p.quorum,
    expiresAt: p.expiresAt,
    ...(p.title !== undefined ? { title: p.title } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.context !== undefined ? { context: p.context } : {}),
    ...(p.message !== undefined ? { message: p.message } : {}),
  };
}

/** One line: the title, else the message, else "Approve step <id>". */
export function headlineOf(r: ApprovalRequest): string {
  return r.title ?? r.message ?? `Approve step ${r.stepId}`;
}

/** "ada, bob (2 of them)" / "anyone who may decide approvals". */
export function whoMayDecide(r: Pick<ApprovalRequest, 'approvers' | 'quorum'>): string {
  if (r.approvers.length === 0) return 'anyone who may decide approvals';
  const names = r.approvers.join(', ');
  return r.quorum > 1 ? `${names} (${r.quorum} of them)` : names;
}

/** The console page of the run. */
export function runPageUrl(publicUrl: string, workflowId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(workflowId)}`;
}

/** "Approved" / "Rejected". */
export function outcomeWord(d: Pick<ApprovalDecision, 'decision'>): string {
  return d.decision === 'approve' ? 'Approved' : 'Rejected';
}
