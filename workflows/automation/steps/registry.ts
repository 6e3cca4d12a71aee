/**
 * The open step registry: step type → workflow-side executor. To add a type, see
 * {@link StepExecutor} in ../runtime.ts (executor here, zod schema in
 * src/automations/definition.ts `STEP_SCHEMAS`).
 */
import type { StepExecutor } from '../runtime.ts';
import type { Step } from '../types.ts';
import { actionStep } from './action.ts';
import { llmStep, mcpToolStep, ragRetrieveStep } from './ai.ts';
import { approvalStep } from './approval.ts';
import { automationStep } from './automation.ts';
import { conditionStep, parallelStep, transformStep, waitStep } from './control.ts';
import { waitForEventStep } from './wait-for-event.ts';

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
  wait_for_event: waitForEventStep,
};

export function executorFor(step: Step): StepExecutor<Step> | undefined {
  return STEP_EXECUTORS[step.type] as StepExecutor<Step> | undefined;
}

/** Steps nested in a step (branches), for walks over a definition. */
export function childLists(step: Step): Step[][] {
  const s = step as unknown as Record<string, unknown>;
  if (step.type === 'parallel') return (s['branches'] as Step[][]) ?? [];
  const lists: Step[][] = [];
  for (const k of ['then', 'else', 'steps']) if (Array.isArray(s[k])) lists.push(s[k] as Step[]);
  return lists;
}
