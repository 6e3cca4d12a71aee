/**
 * Errors of the workflows layer, all pure (replay-safe): a template that cannot be
 * rendered, a jump to another step, a failed step, and the `{ code, message }` record a
 * failure inside a step becomes. The other layers have their own file:
 * connectors/sdk/errors.ts (SDK), src/errors.ts (services), src/api/errors.ts (API).
 */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure, TemporalFailure } from '@temporalio/workflow';
import type { StepError } from './automation/types.ts';

/** Thrown for an invalid, hostile or unresolvable template. `code` is always INVALID_INPUT. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  readonly code = 'INVALID_INPUT';
  constructor(
    message: string,
    readonly expression: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** Thrown to jump to another step (`onError: goto:<id>`, `onTimeout: goto:<id>`). */
export class GotoSignal extends Error {
  override readonly name = 'GotoSignal';
  constructor(
    readonly target: string,
    /** The step that jumped, and the output it completed with. */
    readonly from?: { stepId: string; output: unknown },
  ) {
    super(`goto ${target}`);
  }
}

/**
 * Thrown by a `stop` step to end the run there: passes through every enclosing step
 * (`try` does not catch it) up to the workflow, which completes with `output` or fails
 * with code `STOPPED` and `reason`.
 */
export class StopSignal extends Error {
  override readonly name = 'StopSignal';
  constructor(
    readonly stepId: string,
    readonly status: 'completed' | 'failed',
    readonly output: unknown,
    readonly reason: string | undefined,
  ) {
    super(`stopped by step ${stepId} (${status})${reason ? `: ${reason}` : ''}`);
  }
}

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
