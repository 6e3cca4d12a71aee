/** Turning failures inside a step into `{ code, message }` records. Pure. */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure, TemporalFailure } from '@temporalio/workflow';
import { TemplateError } from './template.ts';
import type { StepError } from './types.ts';

/** Thrown up the step tree when a step fails with `onError: fail`. */
export class StepFailed extends Error {
  override readonly name = 'StepFailed';
  constructor(
    readonly stepId: string,
    readonly error: StepError,
  ) {
    super(`step ${stepId} failed: ${error.code}: ${error.message}`);
  }
}

export function toStepError(err: unknown): StepError {
  if (err instanceof StepFailed) return err.error;
  if (err instanceof TemplateError) return { code: err.code, message: err.message };
  if (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'ERROR', message: cause.message };
    if (cause instanceof TimeoutFailure) return { code: 'TIMEOUT', message: `timed out (${cause.timeoutType})` };
    if (cause instanceof TemporalFailure) return toStepError(cause);
    return { code: 'ERROR', message: err.message };
  }
  if (err instanceof ApplicationFailure) return { code: err.type ?? 'ERROR', message: err.message };
  if (err instanceof Error) return { code: 'ERROR', message: err.message };
  return { code: 'ERROR', message: String(err) };
}
