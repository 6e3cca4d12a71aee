/**
 * Walks over a definition's step tree. Pure and import-free (types aside), so modules that
 * only read definitions (approval links, reference checks) need not import the interpreter
 * or the step registry, whose executors reach the activity types.
 */
import type { Step } from './types.ts';

/** Steps nested in a step (branches), for walks over a definition. */
export function childLists(step: Step): Step[][] {
  const s = step as unknown as Record<string, unknown>;
  if (step.type === 'parallel') return (s['branches'] as Step[][]) ?? [];
  const lists: Step[][] = [];
  for (const k of ['then', 'else', 'steps']) if (Array.isArray(s[k])) lists.push(s[k] as Step[]);
  return lists;
}

/** Every step of a definition, depth first. */
export function allSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => [s, ...childLists(s).flatMap(allSteps)]);
}
