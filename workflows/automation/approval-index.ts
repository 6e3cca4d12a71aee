/**
 * The inbox index of a run's pending approvals: what `GET /approvals` finds with one
 * visibility query instead of a query per run. Search attributes say who may still
 * decide and the earliest deadline (filterable); the memo carries what the inbox shows
 * (message, quorum, decisions so far), so it goes through the payload codec like any
 * other payload. Pure module: workflows and the API import it.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { SA } from '../../src/temporal/search-attributes.ts';
import type { PendingApproval } from './types.ts';

/** Memo key of the pending approvals (a `PendingApproval[]`). */
export const APPROVALS_MEMO = 'approvals';
/** `SwitchboardApprovers` entry of an approval anyone with approvals:decide may decide. */
export const ANYONE = '*';
/** `SwitchboardApprovers` entry of a principal who decided an approval that admits anyone. */
export function decidedMarker(principal: string): string {
  return `!${principal}`;
}

/** Who may still decide `p`: its approvers who have not decided, or `*` and the deciders' markers. */
export function approverKeywords(p: PendingApproval): string[] {
  const decided = new Set(p.decisions.map((d) => d.approver));
  if (p.approvers.length === 0) return [ANYONE, ...[...decided].map(decidedMarker)];
  return p.approvers.filter((a) => !decided.has(a));
}

/** The index attributes of the pending approvals (both unset when nothing waits). */
export function approvalIndexAttributes(pending: readonly PendingApproval[]): SearchAttributeUpdatePair[] {
  if (pending.length === 0) return [{ key: SA.approvers, value: null }, { key: SA.approvalDeadline, value: null }];
  const keywords = [...new Set(pending.flatMap(approverKeywords))];
  const deadline = pending.map((p) => p.expiresAt).sort()[0]!;
  return [
    { key: SA.approvers, value: keywords },
    { key: SA.approvalDeadline, value: new Date(deadline) },
  ];
}

/** Whether `principal` may decide `p` now (listed, in a listed group (`groups`: its `group:` entries) or nobody listed; not refused; not decided yet). */
export function mayDecide(p: PendingApproval, principal: string, groups: readonly string[] = []): boolean {
  const listed = p.approvers.length === 0 || p.approvers.includes(principal) || groups.some((g) => p.approvers.includes(g));
  return listed && !p.refused?.includes(principal) && !p.decisions.some((d) => d.approver === principal);
}
