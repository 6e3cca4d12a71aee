/**
 * Reading a run's state through its query, bounded. A query needs a worker to replay
 * the run; when none polls the task queue, or the run's workflow task keeps failing,
 * Temporal holds the query until the gRPC deadline (about 30 s) and the client then
 * throws. Run reads answer within a few seconds instead, with a 503 that says why.
 */
import { isGrpcServiceError, QueryNotRegisteredError, QueryRejectedError, type WorkflowHandle } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import { TEMPORAL_RETRY_AFTER_SECONDS } from '../temporal/unavailable.ts';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import type { RunState } from '../../workflows/automation/types.ts';

/** How long a run read waits for the run's query to be answered. */
export const RUN_QUERY_DEADLINE_MS = 4_000;

function grpcCodeOf(err: unknown): number | undefined {
  const cause = (err as { cause?: unknown })?.cause;
  if (isGrpcServiceError(err)) return err.code;
  if (isGrpcServiceError(cause)) return cause.code;
  return undefined;
}

/** The run's {@link RunState}, or a 503 RUN_STATE_UNAVAILABLE when no worker answers in time. */
export async function queryRunState(services: Services, handle: WorkflowHandle, deadlineMs = RUN_QUERY_DEADLINE_MS): Promise<RunState> {
  const { connection } = services.temporal.client;
  const deadline = Date.now() + deadlineMs;
  try {
    return await connection.withDeadline(deadline, () => handle.query(runStateQuery));
  } catch (err) {
    const code = grpcCodeOf(err);
    // Past its deadline a call may also end CANCELLED ("Call cancelled"), seen on a loaded machine.
    const timedOut = code === grpcStatus.DEADLINE_EXCEEDED || (code === grpcStatus.CANCELLED && Date.now() >= deadline);
    // A query the workflow code could not answer (its task fails: a script timeout, a bug).
    const broken = err instanceof QueryNotRegisteredError || err instanceof QueryRejectedError || code === grpcStatus.INVALID_ARGUMENT;
    if (!timedOut && !broken) throw err;
    services.logger.warn({ workflowId: handle.workflowId, err: (err as Error).message }, 'run state query not answered');
    const reason = timedOut
      ? `no worker answered within ${deadlineMs / 1000} s (none is polling task queue "${services.temporal.taskQueue}", or the run's workflow task keeps failing: see the run in the Temporal UI)`
      : `the run's workflow code could not answer (${(err as Error).message.split('\n')[0]})`;
    throw new ApiError(503, 'RUN_STATE_UNAVAILABLE', `The state of run ${handle.workflowId} cannot be read right now: ${reason}`, undefined, {
      'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS),
    });
  }
}
