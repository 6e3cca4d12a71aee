/**
 * Which approval steps of a definition get signed approve/reject links, and for whom.
 * Pure: the run uses it when it issues its links through an activity, and starters that
 * hold the master key (src/approvals/links.ts) issue the same links before the start.
 */
import { GROUP_PREFIX } from './definitions.ts';
import { allSteps } from './step-lists.ts';
import type { ApprovalStep, AutomationDefinition } from './types.ts';

/** One approval step and the approvers its links are for (none: one pair for anyone). */
export interface ApprovalLinkStep {
  stepId: string;
  approvers: string[];
  /** false: the step lists only groups, so no link is for anyone (absent: as `approvers` say). */
  anyone?: false;
}

/**
 * Who gets signed links for an approval step: its approvers and, when it escalates, theirs.
 * A `group:` entry gets none: a link decides as one principal, and a group's members are
 * known only when they decide (console, API, MCP and the notify channels).
 */
function linkApprovers(step: ApprovalStep): string[] {
  const approvers = step.approvers ?? [];
  const all = step.escalate?.approvers ? [...new Set([...approvers, ...step.escalate.approvers])] : approvers;
  return all.filter((a) => !a.startsWith(GROUP_PREFIX));
}

/** Every approval step of the definition (depth first) with the approvers of its links. */
export function approvalLinkSteps(definition: AutomationDefinition): ApprovalLinkStep[] {
  return allSteps(definition.steps)
    .filter((s): s is ApprovalStep => s.type === 'approval')
    .map((s) => {
      const approvers = linkApprovers(s);
      return approvers.length === 0 && s.approvers?.length ? { stepId: s.id, approvers, anyone: false as const } : { stepId: s.id, approvers };
    });
}
