/**
 * A re-drive from a step (src/automations/redrive.ts) as the interpreter's resume state:
 * the walk starts at the `fromStep` top-level step, and the steps before it carry the
 * source run's records (status, output, error) without running again. Pure: no commands,
 * so runs without `redriveFrom` issue exactly the commands they always did.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { RedriveStart } from '../contracts.ts';
import type { InterpreterSnapshot } from './interpreter.ts';
import type { AutomationDefinition, StepState } from './types.ts';

export function redriveSnapshot(definition: AutomationDefinition, start: RedriveStart): Omit<InterpreterSnapshot, 'run'> {
  const pc = definition.steps.findIndex((s) => s.id === start.fromStep);
  // The API checks this before it starts the run; a hand-made input fails clearly.
  if (pc < 0) throw ApplicationFailure.nonRetryable(`re-drive step "${start.fromStep}" is not a top-level step of this version`, 'CONFIG_INVALID');
  const outputs = Object.create(null) as InterpreterSnapshot['outputs'];
  for (const [id, o] of Object.entries(start.outputs)) outputs[id] = o;
  return { pc, steps: start.steps as StepState[], outputs, visits: {}, stepCount: 0 };
}
