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
import { stopStep, switchStep, tryStep } from './blocks.ts';

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
};

export function executorFor(step: Step): StepExecutor<Step> | undefined {
  return STEP_EXECUTORS[step.type] as StepExecutor<Step> | undefined;
}

/** A step list nested in a step, named by where it sits (`then`, `branches[1]`, `cases[0].steps`). */
export interface ChildList {
  label: string;
  steps: Step[];
  /** A goto may not leave it, nor enter it from outside (a parallel branch runs concurrently). */
  isolated: boolean;
}

/**
 * Steps nested in a step, for walks over a definition. Generic over step types: any
 * `then`, `else`, `steps`, `catch`, `finally`, `default` list, each of `branches` and
 * each `cases[i].steps` (new container types need no change here if they use these names).
 */
export function childLists(step: Step): ChildList[] {
  const s = step as unknown as Record<string, unknown>;
  const lists: ChildList[] = [];
  const add = (label: string, value: unknown, isolated = false): void => {
    if (Array.isArray(value)) lists.push({ label, steps: value as Step[], isolated });
  };
  if (Array.isArray(s['branches'])) (s['branches'] as unknown[]).forEach((b, i) => add(`branches[${i}]`, b, true));
  for (const key of ['then', 'else', 'steps', 'catch', 'finally']) add(key, s[key]);
  if (Array.isArray(s['cases'])) (s['cases'] as unknown[]).forEach((c, i) => add(`cases[${i}].steps`, (c as { steps?: unknown } | null)?.steps));
  add('default', s['default']);
  return lists;
}
