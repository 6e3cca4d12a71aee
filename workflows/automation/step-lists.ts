/**
 * Walks over a definition's step tree. Pure and import-free (types aside), so modules that
 * only read definitions (approval links, reference checks) need not import the interpreter
 * or the step registry, whose executors reach the activity types.
 */
import type { Step } from './types.ts';

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

/** Every step of a definition, depth first. */
export function allSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => [s, ...childLists(s).flatMap((l) => allSteps(l.steps))]);
}
