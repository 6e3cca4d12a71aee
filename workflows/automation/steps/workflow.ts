import { executeChild, proxyActivities } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { runWorkflowId } from '../../../src/temporal/constants.ts';
import { SA } from '../../../src/temporal/search-attributes.ts';
import type { Activities as InterpreterActivities } from '../../../activities/index.ts';
import { AUTOMATION_RESOLVE_ACTIVITY_OPTIONS } from '../../activity-options.ts';
import { CODE_WORKFLOW_PREFIX } from '../../code/names.ts';
import type { StepExecutor } from '../runtime.ts';
import type { WorkflowStep } from '../types.ts';

const { prepareCodeWorkflowRun } = proxyActivities<InterpreterActivities>(AUTOMATION_RESOLVE_ACTIVITY_OPTIONS);

/**
 * Runs a code-first workflow (SWITCHBOARD_WORKFLOW_PACKAGES) as a child: the worker checks
 * the name and the input against the package's schema first, then the child starts with the
 * runs list's attributes (`workflow:<name>`, version 0) and the memo of the rate-limited
 * queues, as the workflows API starts one. Its result is the output.
 */
export const workflowStep: StepExecutor<WorkflowStep> = {
  async run(step, rt) {
    const name = String(await rt.render(step.workflow));
    const input = await rt.render(step.input ?? {});
    const prepared = await prepareCodeWorkflowRun({ stepId: step.id, workflow: name, input });
    const visit = rt.visitOf(step);
    const automationId = `${CODE_WORKFLOW_PREFIX}${name}`;
    const key = `${rt.workflowId.replace(/^run:/, '')}.${step.id}${visit > 1 ? `.${visit}` : ''}`;
    const typedSearchAttributes: SearchAttributePair[] = [
      { key: SA.automationId, value: automationId },
      { key: SA.automationVersion, value: 0 },
      { key: SA.triggerType, value: 'automation' },
      { key: SA.status, value: 'running' },
    ];
    return executeChild(name, {
      args: [input],
      workflowId: runWorkflowId(automationId, key),
      staticSummary: `${name} (${prepared.package}; child of ${rt.workflowId})`,
      typedSearchAttributes,
      ...(prepared.memo ? { memo: prepared.memo } : {}),
    });
  },
};
