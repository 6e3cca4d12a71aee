/**
 * `prepareCodeWorkflowRun`: what the `workflow` step asks before it starts a code-first
 * workflow as a child: is the name one of this worker's SWITCHBOARD_WORKFLOW_PACKAGES
 * workflows (else `NOT_FOUND`), does the input pass its input schema (else
 * `INVALID_INPUT` with the paths), and the memo the child starts with (the rate-limited
 * connections' queues), as the workflows API starts one.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConnectionRateLimits } from '../src/connections/rate-limits.ts';
import { workflowCatalog } from '../src/workflow-packages/load.ts';
import { codeRunMemo, codeWorkflowInputIssues } from '../src/workflow-packages/runs.ts';
import type { ActivityDeps } from './deps.ts';

export interface PreparedCodeRun {
  /** The package that exports the workflow. */
  package: string;
  memo?: Record<string, unknown> | undefined;
}

export function createCodeWorkflowActivities(deps: Pick<ActivityDeps, 'config' | 'orm' | 'connectors'>) {
  let limits: ConnectionRateLimits | undefined;
  return {
    async prepareCodeWorkflowRun(args: { stepId: string; workflow: string; input: unknown }): Promise<PreparedCodeRun> {
      const workflow = (await workflowCatalog(deps.config)).workflows.get(args.workflow);
      if (!workflow) {
        throw ApplicationFailure.nonRetryable(`step ${args.stepId}: no code workflow "${args.workflow}" in SWITCHBOARD_WORKFLOW_PACKAGES (GET /api/v1/workflows lists them)`, 'NOT_FOUND');
      }
      const issues = codeWorkflowInputIssues(workflow, args.input, 'input');
      if (issues.length > 0) {
        throw ApplicationFailure.create({
          type: 'INVALID_INPUT',
          message: `step ${args.stepId}: input does not match the input schema of workflow ${workflow.name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          nonRetryable: true,
          details: [issues],
        });
      }
      limits ??= new ConnectionRateLimits(deps.orm, deps.connectors, deps.config.temporal.taskQueue);
      const memo = await codeRunMemo(limits);
      return { package: workflow.package, ...(memo ? { memo } : {}) };
    },
  };
}
