/**
 * Temporal client for the API and CLI. The connection is lazy: the API starts even
 * when Temporal is down, `/readyz` says so, and calls fail fast with a deadline.
 */
import { InterceptingCall, Metadata, status as GrpcStatus, type Interceptor, type NextCall } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config.ts';
import type { Tracing } from '../telemetry/tracing.ts';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  namespace: string;
  taskQueue: string;
}

export function createTemporalClient(
  temporal: Pick<Config['temporal'], 'namespace' | 'taskQueue'> & { address: string },
  opts: { dataConverter?: DataConverter | undefined; tracing?: Pick<Tracing, 'clientInterceptors'> | undefined } = {},
): TemporalHandle {
  const connection = Connection.lazy({ address: temporal.address, connectTimeout: 3_000, interceptors: temporalGrpcInterceptors() });
  const client = new Client({
    connection,
    namespace: temporal.namespace,
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    ...(opts.tracing ? { interceptors: opts.tracing.clientInterceptors } : {}),
  });
  return { connection, client, namespace: temporal.namespace, taskQueue: temporal.taskQueue };
}

/** The readiness probe's Temporal check. */
export async function pingTemporal(handle: TemporalHandle, timeoutMs = 2_000): Promise<void> {
  await handle.connection.withDeadline(Date.now() + timeoutMs, () =>
    handle.connection.workflowService.getSystemInfo({}),
  );
}

/**
 * A default deadline for calls that set none, the SDK's default gRPC retry interceptor
 * (kept within the call's deadline), plus a guard beneath it. The retry
 * interceptor re-issues a failed call from a timer; when the connection was closed in
 * the meantime (shutdown while Temporal is unreachable), grpc-js throws "Channel has
 * been shut down" from that timer — an uncaught exception — and the caller's promise
 * never settles. The guard turns that throw into a CANCELLED status, which the retry
 * interceptor does not retry, so the call rejects instead.
 *
 * Pass these to your own `Connection.connect({ interceptors })` for the same behaviour.
 *
 * @example
 * const connection = await Connection.connect({ address: '127.0.0.1:7233', interceptors: temporalGrpcInterceptors() });
 */
export function temporalGrpcInterceptors(): Interceptor[] {
  return [callDeadline(TEMPORAL_CALL_DEADLINE_MS), retryWithinDeadline, closedChannelGuard];
}

/**
 * Deadline of a Temporal call that set none itself. Without one, a call to a Temporal
 * that does not answer is retried for about 20 s by the retry interceptor; with it the
 * API answers `503 TEMPORAL_UNAVAILABLE` within 5 s.
 */
export const TEMPORAL_CALL_DEADLINE_MS = 3_000;

/**
 * Calls that wait on purpose (long polls for a result or an update): the server answers
 * them when there is something to say, so they keep the caller's deadline (if any).
 */
const WAITING_METHODS: ReadonlySet<string> = new Set([
  'GetWorkflowExecutionHistory',
  'UpdateWorkflowExecution',
  'PollWorkflowExecutionUpdate',
  'ExecuteMultiOperation',
]);

/**
 * A query is answered by a worker running a workflow task, which takes longer than a
 * server round trip on a busy worker; it is still bounded (it runs only after a describe
 * showed that Temporal answers).
 */
export const TEMPORAL_QUERY_DEADLINE_MS = 10_000;

/** Gives every other call without a deadline one `ms` from now (outermost, so retries share it). */
function callDeadline(ms: number): Interceptor {
  return (options, nextCall) => {
    const method = options.method_definition.path.slice(options.method_definition.path.lastIndexOf('/') + 1);
    const open = options.deadline === undefined || options.deadline === Infinity;
    if (!open || WAITING_METHODS.has(method)) return new InterceptingCall(nextCall(options));
    return new InterceptingCall(nextCall({ ...options, deadline: Date.now() + (method === 'QueryWorkflow' ? TEMPORAL_QUERY_DEADLINE_MS : ms) }));
  };
}

/**
 * The SDK's retry interceptor with its default back-off, except that it never waits past
 * the call's deadline: the last back-off step is cut to the time left, and no retry
 * starts once the deadline has passed (the caller gets the real status, e.g. UNAVAILABLE).
 */
const retryWithinDeadline: Interceptor = (options, nextCall) => {
  const base = defaultGrpcRetryOptions();
  const deadline = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  if (deadline === undefined || deadline === Infinity) {
    if (!options.method_definition.path.endsWith('/UpdateWorkflowExecution')) return makeGrpcRetryInterceptor(base)(options, nextCall);
    // An update waits for the worker without a deadline, but a Temporal that cannot be
    // reached (UNAVAILABLE) is retried only as long as a bounded call would be: the API
    // answers 503 TEMPORAL_UNAVAILABLE within seconds without a probe before every update.
    const reachableBy = Date.now() + TEMPORAL_CALL_DEADLINE_MS;
    return makeGrpcRetryInterceptor({
      retryableDecider: (attempt, status) => (status.code !== GrpcStatus.UNAVAILABLE || Date.now() < reachableBy) && base.retryableDecider(attempt, status),
      delayFunction: (attempt, status) => (status.code === GrpcStatus.UNAVAILABLE ? Math.min(base.delayFunction(attempt, status), Math.max(0, reachableBy - Date.now())) : base.delayFunction(attempt, status)),
    })(options, nextCall);
  }
  return makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => Date.now() < deadline && base.retryableDecider(attempt, status),
    delayFunction: (attempt, status) => Math.min(base.delayFunction(attempt, status), Math.max(0, deadline - Date.now())),
  })(options, nextCall);
};

/** What grpc-js hands an interceptor as the next call (the interface is not exported by name). */
type InterceptingCallInterface = ReturnType<NextCall>;

const closedChannelGuard: Interceptor = (options, nextCall) => {
  let next: InterceptingCallInterface;
  try {
    next = nextCall(options);
  } catch (err) {
    next = failedCall(`Temporal connection unusable: ${(err as Error).message}`);
  }
  return new InterceptingCall(next);
};

/** A call that never reaches the network and ends at once with CANCELLED. */
function failedCall(details: string): InterceptingCallInterface {
  return {
    start(_metadata, listener) {
      queueMicrotask(() => listener?.onReceiveStatus?.({ code: GrpcStatus.CANCELLED, details, metadata: new Metadata() }));
    },
    cancelWithStatus() {},
    getPeer: () => '',
    sendMessageWithContext(context) {
      context.callback?.();
    },
    sendMessage() {},
    startRead() {},
    halfClose() {},
    getAuthContext: () => null,
  };
}
