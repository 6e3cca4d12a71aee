/**
 * Block steps: `try` (catch/finally), `switch` (cases by deep equality) and `stop`
 * (ends the run). They run nested lists through `rt.runSteps`, so `when`, `retry`,
 * `onError` and the step budget apply inside them as everywhere else.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { GotoSignal, StepFailed, StopSignal, toStepError } from '../../errors.ts';
import type { StepExecutor } from '../runtime.ts';
import type { StopStep, SwitchStep, TryStep } from '../types.ts';

/** What `catch` sees as `error`, and the try step's output carries. */
export interface CaughtError {
  code: string;
  message: string;
  /** Id of the step that failed (the innermost one). */
  step: string | null;
}

/**
 * Errors `catch` leaves alone: cancellation, goto and stop (control flow, not failures)
 * and an exhausted step budget (catching it would let a loop run on past its bound).
 */
function uncatchable(err: unknown): boolean {
  if (isCancellation(err) || err instanceof GotoSignal || err instanceof StopSignal) return true;
  if (err instanceof Error && err.name === 'ContinueAsNew') return true;
  return err instanceof StepFailed && err.error.code === 'BUDGET_EXCEEDED';
}

export const tryStep: StepExecutor<TryStep> = {
  async run(step, rt) {
    let caught: CaughtError | undefined;
    let cancelled = false;
    try {
      await rt.runSteps(step.steps);
    } catch (err) {
      cancelled = isCancellation(err);
      if (!step.catch || uncatchable(err)) throw err;
      caught = { ...toStepError(err), step: err instanceof StepFailed ? err.stepId : null };
      await rt.runSteps(step.catch, { error: caught });
    } finally {
      if (step.finally) {
        const cleanup = step.finally;
        // On cancellation the cleanup still runs (its activities in a scope the cancel
        // does not reach); the cancellation is rethrown after it and ends the run.
        if (cancelled || CancellationScope.current().consideredCancelled) {
          // A failed cleanup is recorded on its step; the run still ends as cancelled.
          await CancellationScope.nonCancellable(() => rt.runSteps(cleanup)).catch(() => undefined);
        } else await rt.runSteps(cleanup);
      }
    }
    return caught ? { caught: true, error: caught } : { caught: false };
  },
};

/** Deep equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export const switchStep: StepExecutor<SwitchStep> = {
  async run(step, rt) {
    const value = await rt.render(step.value);
    const index = step.cases.findIndex((c) => jsonEqual(c.equals, value));
    if (index >= 0) {
      await rt.runSteps(step.cases[index]!.steps);
      return { case: index, equals: step.cases[index]!.equals };
    }
    await rt.runSteps(step.default ?? []);
    return { case: 'default' };
  },
};

export const stopStep: StepExecutor<StopStep> = {
  async run(step, rt) {
    const output = step.output === undefined ? undefined : await rt.render(step.output);
    const reason = step.reason === undefined ? undefined : String(await rt.render(step.reason));
    throw new StopSignal(step.id, step.status, output, reason);
  },
};
