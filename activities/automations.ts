/**
 * Activities of the automation interpreter: load a pinned definition, resolve the
 * current version of a child automation, issue signed approval links.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../src/config.ts';
import type { Orm } from '../src/db/orm.ts';
import { Automation, AutomationVersion } from '../src/db/entities/index.ts';
import { issueStepLinks } from '../src/approvals/links.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { ConnectionRateLimits } from '../src/connections/rate-limits.ts';

export function createAutomationActivities(deps: { orm: Orm; keyring: Keyring; config: Config; connectionRateLimits?: ConnectionRateLimits | undefined }) {
  return {
    /**
     * The definition of one immutable version (kept after the automation is deleted), and
     * the task queues of the rate-limited connections it reaches (`actionQueues`): runs that
     * load their definition (schedules, polls, debounced and batched runs, child automations,
     * re-drives) route their calls like runs started at intake.
     */
    async loadAutomationVersion(args: { automationId: string; version: number }): Promise<{ name: string; definition: Record<string, unknown>; actionQueues?: Record<string, string> }> {
      const row = await deps.orm.em.fork().findOne(AutomationVersion, { automationId: args.automationId, version: args.version });
      if (!row) throw ApplicationFailure.nonRetryable(`automation ${args.automationId} has no version ${args.version}`, 'NOT_FOUND');
      const actionQueues = await deps.connectionRateLimits?.queuesFor(row.definition);
      return { name: String(row.definition['name']), definition: row.definition, ...(actionQueues ? { actionQueues } : {}) };
    },

    /** The current version of a (not deleted) automation. */
    async resolveAutomationVersion(args: { automationId: string }): Promise<{ version: number; name: string }> {
      const row = await deps.orm.em.fork().findOne(Automation, { id: args.automationId, deletedAt: null });
      if (!row) throw ApplicationFailure.nonRetryable(`automation ${args.automationId} not found`, 'NOT_FOUND');
      return { version: row.currentVersion, name: row.name };
    },

    /** Signed approve/reject links of every approval step (`run.approvalLinks.<stepId>`). */
    async issueApprovalLinks(args: { workflowId: string; steps: { stepId: string; approvers: string[]; anyone?: false }[] }): Promise<Record<string, unknown>> {
      return Object.fromEntries(args.steps.map((s) => [s.stepId, issueStepLinks(deps.keyring, deps.config.publicUrl, args.workflowId, s)]));
    },
  };
}
