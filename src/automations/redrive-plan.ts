/**
 * Where a re-drive starts, and what it carries over: the pure half of "resume from a
 * step" (redrive.ts reads the source run and starts the new one).
 *
 * - A re-drive starts at a **top-level** step. A step nested in a block (`try`, `if`,
 *   `switch`, `parallel`, `foreach`) is refused (409) with the block to start from
 *   instead: the block then runs again as a whole.
 * - Without `fromStep`: the top-level step that failed (the block around a nested failure).
 * - The steps before it keep the source run's records (status, output, error) and are not
 *   executed again; templates see their outputs as `steps.<id>` as in the source run.
 * - Steps are matched by id (with `version: 'current'` the chosen version may differ from
 *   the source run's): `fromStep` must exist in the chosen version, must have been reached
 *   by the source run (not a branch not taken), and every step before it must have existed
 *   in the source run's version with the same type.
 */
import { ApiError } from '../errors.ts';
import { allSteps, childLists } from '../../workflows/automation/step-lists.ts';
import type { Step, StepState } from '../../workflows/automation/types.ts';
import type { RedriveStart } from '../../workflows/contracts.ts';

export interface RedrivePlanInput {
  /** Top-level steps of the version the re-drive runs. */
  steps: Step[];
  /** Its version number (for messages). */
  version: number;
  /** Top-level steps of the source run's version. */
  sourceSteps: Step[];
  /** The source run's step states (GET /runs/:id `steps`). */
  sourceStates: StepState[];
  /** The step to start at; absent: the step that failed. */
  fromStep?: string | undefined;
}

const conflict = (message: string): ApiError => new ApiError(409, 'CONFLICT', message);

/** The steps that keep their records in the run's top scope: a step and its nested steps, but not a loop's body. */
function scopeOf(step: Step): Step[] {
  return [step, ...(step.type === 'foreach' ? [] : childLists(step).flatMap((l) => l.steps.flatMap(scopeOf)))];
}

/** The top-level step that failed (or was running when the run ended): the one that started last. */
export function failedTopLevelStep(sourceSteps: Step[], states: ReadonlyMap<string, StepState>): string | undefined {
  let found: StepState | undefined;
  for (const step of sourceSteps) {
    const st = states.get(step.id);
    if (!st || (st.status !== 'failed' && st.status !== 'running')) continue;
    if (!found || (st.startedAt ?? '') >= (found.startedAt ?? '')) found = st;
  }
  return found?.id;
}

/**
 * The start of a re-drive: undefined when it runs from the first step (nothing to carry
 * over, or the source failed before any step ran). Throws a 409 ApiError with the reason
 * when `fromStep` cannot be resumed.
 */
export function planRedrive(p: RedrivePlanInput): RedriveStart | undefined {
  const states = new Map(p.sourceStates.map((s) => [s.id, s]));
  const fromStep = p.fromStep ?? failedTopLevelStep(p.sourceSteps, states);
  if (fromStep === undefined) return undefined;
  const index = p.steps.findIndex((s) => s.id === fromStep);
  if (index < 0) {
    const block = p.steps.find((top) => allSteps([top]).some((s) => s.id === fromStep));
    if (block) {
      throw conflict(`step "${fromStep}" sits inside block "${block.id}" (${block.type}); a re-drive starts at a top-level step: re-drive from "${block.id}" to run the whole block again`);
    }
    throw conflict(`step "${fromStep}" does not exist in version ${p.version} of the automation`);
  }
  const sourceById = new Map(allSteps(p.sourceSteps).map((s) => [s.id, s]));
  const fromState = states.get(fromStep);
  if (sourceById.has(fromStep) && (!fromState || fromState.status === 'pending')) {
    throw conflict(`step "${fromStep}" was not reached by the source run (a branch not taken, or after the step that failed): the steps before it have no results to resume from`);
  }
  const steps: StepState[] = [];
  const outputs: RedriveStart['outputs'] = {};
  for (const top of p.steps.slice(0, index)) {
    for (const step of scopeOf(top)) {
      const before = sourceById.get(step.id);
      if (!before || before.type !== step.type) {
        throw conflict(
          `step "${step.id}" comes before "${fromStep}" in version ${p.version} but ${before ? `was a ${before.type} step` : 'did not exist'} in the source run's version: it has no recorded result`,
        );
      }
      const st = states.get(step.id);
      if (!st || st.status === 'pending') continue; // not reached in the source run: stays pending
      steps.push(st);
      if (st.status === 'completed') outputs[step.id] = { output: st.output };
      // A failure the step let pass (onError: continue) is in the context like in the source run.
      else if (st.status === 'failed' && step.onError === 'continue') outputs[step.id] = { output: null, error: st.error };
    }
  }
  return { fromStep, steps, outputs };
}
