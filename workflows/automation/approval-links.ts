/**
 * Which approval steps of a definition get signed approve/reject links, and for whom.
 * Pure: the run uses it when it issues its links through an activity, and starters that
 * hold the master key (src/automations/links.ts) issue the same links before the start.
 */
import { allSteps } from './step-lists.ts';
import type { ApprovalStep, AutomationDefinition } from './types.ts';

/** One approval step and the approvers its links are for (none: one pair for anyone). */
export interface ApprovalLinkStep {
  stepId: string;
  approvers: string[];
}

/** Who gets signed links for an approval step: its approvers and, when it escalates, theirs. */
function linkApprovers(step: ApprovalStep): string[] {
  const approvers = step.approvers ?? [];
  return step.escalate?.approvers ? [...new Set([...approvers, ...step.escalate.approvers])] : approvers;
}

/** Every approval step of the definition (depth first) with the approvers of its links. */
export function approvalLinkSteps(definition: AutomationDefinition): ApprovalLinkStep[] {
  return allSteps(definition.steps)
    .filter((s): s is ApprovalStep => s.type === 'approval')
    .map((s) => ({ stepId: s.id, approvers: linkApprovers(s) }));
}
