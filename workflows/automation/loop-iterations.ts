/**
 * Answers the `loopIterations` query of a run or a loop batch: each iteration's step
 * records for a page of a loop's items. Iterations that ran in this execution answer
 * their steps; those of a loop batched into child workflows answer the batch's workflow
 * id, whose own `loopIterations` query has the steps.
 */
import type { LoopIterationsAnswer, LoopIterationsArgs } from './definitions.ts';
import { allSteps, type Interpreter } from './interpreter.ts';
import { batchWorkflowId, itemsPerExecution } from './steps/foreach.ts';
import type { ForeachStep, LoopIteration } from './types.ts';

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

export function loopIterations(it: Interpreter, args: LoopIterationsArgs): LoopIterationsAnswer {
  const from = Math.max(0, Math.floor(args.from ?? 0));
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(args.limit ?? DEFAULT_PAGE)));
  const recorded = it.iterations.get(args.stepId) ?? [];
  const state = it.states.get(args.stepId);
  const step = allSteps(it.definition.steps).find((s): s is ForeachStep => s.id === args.stepId && s.type === 'foreach');
  const total = state?.progress?.total ?? recorded.length;
  const per = step ? itemsPerExecution(step) : Infinity;
  const iterations: LoopIteration[] = [];
  for (let index = from; index < Math.min(total, from + limit); index++) {
    const steps = recorded[index];
    if (steps) iterations.push({ index, steps });
    else if (step && total > per) {
      const start = Math.floor(index / per) * per;
      const visit = it.visits[step.id] ?? 1;
      iterations.push({ index, batchWorkflowId: batchWorkflowId(it.workflowId, `${step.id}${visit > 1 ? `.${visit}` : ''}`, start, Math.min(total, start + per)) });
    } else iterations.push({ index });
  }
  return { stepId: args.stepId, ...(state?.progress ? { progress: state.progress } : {}), iterations };
}
