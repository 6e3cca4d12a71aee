import { executeChild, proxyActivities } from '@temporalio/workflow';
import { runWorkflowId, WORKFLOW_TYPES } from '../../../src/temporal/constants.ts';
import type { AutomationRunInput } from '../../contracts.ts';
import type { Activities as InterpreterActivities } from '../../../activities/index.ts';
import type { StepExecutor } from '../runtime.ts';
import type { AutomationStep } from '../types.ts';
import { AUTOMATION_RESOLVE_ACTIVITY_OPTIONS } from '../../activity-options.ts';

const { resolveAutomationVersion } = proxyActivities<InterpreterActivities>(AUTOMATION_RESOLVE_ACTIVITY_OPTIONS);

/** Runs another automation (its current version) as a child workflow; its result is the output. */
export const automationStep: StepExecutor<AutomationStep> = {
  async run(step, rt) {
    const automationId = String(await rt.render(step.automation));
    const { version, name } = await resolveAutomationVersion({ automationId });
    const input = await rt.render(step.input ?? {});
    const visit = rt.visitOf(step);
    const key = `${rt.workflowId.replace(/^run:/, '')}.${step.id}${visit > 1 ? `.${visit}` : ''}`;
    const args: AutomationRunInput = { automationId, version, input, trigger: { type: 'automation', parentWorkflowId: rt.workflowId } };
    return executeChild(WORKFLOW_TYPES.automation, {
      args: [args],
      workflowId: runWorkflowId(automationId, key),
      staticSummary: `${name} v${version} (child of ${rt.workflowId})`,
    });
  },
};
