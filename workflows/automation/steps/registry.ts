/**
 * The open step registry: step type → workflow-side executor. To add a type, see
 * {@link StepExecutor} in ../runtime.ts (executor here, zod schema in
 * src/automations/definition.ts `STEP_SCHEMAS`).
 */
import type { StepExecutor } from '../runtime.ts';
import type { Step } from '../types.ts';
import { actionStep } from './action.ts';
import { agentStep } from './agent.ts';
import { llmStep, mcpToolStep, ragRetrieveStep } from './ai.ts';
import { approvalStep } from './approval.ts';
import { automationStep } from './automation.ts';
import { conditionStep, parallelStep, transformStep, waitStep } from './control.ts';
import { stopStep, switchStep, tryStep } from './blocks.ts';
import { foreachStep } from './foreach.ts';
import { waitForEventStep } from './wait-for-event.ts';
import { workflowStep } from './workflow.ts';

export const STEP_EXECUTORS: Record<string, StepExecutor<never>> = {
  action: actionStep,
  condition: conditionStep,
  branch: conditionStep,
  parallel: parallelStep,
  wait: waitStep,
  approval: approvalStep,
  transform: transformStep,
  automation: automationStep,
  llm: llmStep,
  rag_retrieve: ragRetrieveStep,
  mcp_tool: mcpToolStep,
  try: tryStep,
  switch: switchStep,
  stop: stopStep,
  foreach: foreachStep,
  wait_for_event: waitForEventStep,
  agent: agentStep,
  workflow: workflowStep,
};

export function executorFor(step: Step): StepExecutor<Step> | undefined {
  return STEP_EXECUTORS[step.type] as StepExecutor<Step> | undefined;
}

/** Steps nested in a step: defined in ../step-lists.ts, a pure module. */
export { childLists, type ChildList } from '../step-lists.ts';

/** Whether a step is a loop: its body runs in iteration scopes, not in the enclosing one. */
export function isLoop(step: Step): boolean {
  return step.type === 'foreach';
}
