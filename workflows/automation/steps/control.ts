/** Control-flow steps: condition/branch, parallel, wait, transform. */
import { ApplicationFailure, setCurrentDetails, sleep } from '@temporalio/workflow';
import { durationMs } from '../duration.ts';
import type { StepExecutor } from '../runtime.ts';
import type { ConditionStep, ParallelStep, TransformStep, WaitStep } from '../types.ts';

export const conditionStep: StepExecutor<ConditionStep> = {
  async run(step, rt) {
    const taken = await rt.condition(step.if);
    await rt.runSteps(taken ? step.then : (step.else ?? []));
    return { branch: taken ? 'then' : 'else' };
  },
};

export const parallelStep: StepExecutor<ParallelStep> = {
  async run(step, rt) {
    // Every branch runs to its end; the first failure (in branch order) is reported.
    const results = await Promise.allSettled(step.branches.map((b) => rt.runSteps(b)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { branches: step.branches.length };
  },
};

export const waitStep: StepExecutor<WaitStep> = {
  async run(step, rt) {
    let ms: number;
    if (step.duration) ms = durationMs(step.duration);
    else {
      const until = String(await rt.render(step.until));
      const at = Date.parse(until);
      if (Number.isNaN(at)) throw ApplicationFailure.nonRetryable(`wait ${step.id}: "${until}" is not an ISO-8601 time`, 'INVALID_INPUT');
      ms = at - Date.now();
    }
    const until = new Date(Date.now() + Math.max(0, ms)).toISOString();
    setCurrentDetails(`waiting in step ${step.id} until ${until}`);
    if (ms > 0) await sleep(ms);
    return { waitedUntil: until };
  },
};

export const transformStep: StepExecutor<TransformStep> = {
  run: (step, rt) => rt.render(step.output),
};
