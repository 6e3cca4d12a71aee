/**
 * Priority and fairness of a run (docs/concepts/flow-control.md): the definition's
 * `priority` and `fairness` (or a run start's overrides) as Temporal's task queue
 * `Priority` on the run's workflow start. Activities and child workflows inherit it.
 * Runs of automations with neither get no `priority` option at all.
 */
import type { Priority } from '@temporalio/common';
import { renderString } from '../../workflows/automation/template.ts';
import { triggerView } from '../../workflows/automation/trigger-view.ts';
import type { AutomationRunInput } from '../../workflows/contracts.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import type { IdempotentStartOptions } from '../temporal/idempotent-start.ts';

/** Longest fairness key Temporal takes; longer rendered keys are cut to it. */
export const MAX_FAIRNESS_KEY_LENGTH = 64;

/** A run start's own priority and fairness (POST runs), over the definition's. */
export interface RunPriorityOverride {
  priority?: number | undefined;
  fairness?: { key: string; weight?: number | undefined } | undefined;
}

/**
 * The fairness key of a run: the rendered template when it is a non-empty string or a
 * number, else (a missing field, an object, an error) the automation id, so a bad key
 * never holds a run back.
 */
export async function renderFairnessKey(template: string, args: Pick<AutomationRunInput, 'automationId' | 'input' | 'trigger'>): Promise<string> {
  let value: unknown;
  try {
    value = await renderString(template, { input: args.input, trigger: triggerView(args.trigger), steps: {}, run: { automationId: args.automationId } });
  } catch {
    value = undefined;
  }
  const key = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof key === 'string' && key.trim() !== '' ? key.slice(0, MAX_FAIRNESS_KEY_LENGTH) : args.automationId;
}

/** Temporal's `Priority` of a run, or undefined when neither the definition nor the override sets any. */
export async function runPriority(def: AutomationDefinition, args: Pick<AutomationRunInput, 'automationId' | 'input' | 'trigger'>, override: RunPriorityOverride = {}): Promise<Priority | undefined> {
  const priorityKey = override.priority ?? def.priority;
  const fairness = override.fairness ?? def.fairness;
  if (priorityKey === undefined && fairness === undefined) return undefined;
  return {
    ...(priorityKey !== undefined ? { priorityKey } : {}),
    ...(fairness ? { fairnessKey: await renderFairnessKey(fairness.key, args), ...(fairness.weight !== undefined ? { fairnessWeight: fairness.weight } : {}) } : {}),
  };
}

/** Start options of an automation run with its priority added (unchanged when it has none). */
export async function withRunPriority<O extends IdempotentStartOptions>(options: O, override?: RunPriorityOverride): Promise<O> {
  const args = (options.args as AutomationRunInput[] | undefined)?.[0];
  const def = args?.pinned?.definition as unknown as AutomationDefinition | undefined;
  if (!args || !def) return options;
  const priority = await runPriority(def, args, override);
  return priority ? { ...options, priority } : options;
}
