/**
 * Temporal client for the API and CLI. The connection is lazy: the API starts even
 * when Temporal is down, `/readyz` says so, and calls fail fast with a deadline.
 */
import { InterceptingCall, Metadata, status as GrpcStatus, type Interceptor, type NextCall } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config.ts';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  namespace: string;
  taskQueue: string;
}

export function createTemporalClient(
  temporal: Pick<Config['temporal'], 'namespace' | 'taskQueue'> & { address: string },
  opts: { dataConverter?: DataConverter | undefined } = {},
): TemporalHandle {
  const connection = Connection.lazy({ address: temporal.address, connectTimeout: 3_000, interceptors: temporalGrpcInterceptors() });
  const client = new Client({ connection, namespace: temporal.namespace, ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}) });
  return { connection, client, namespace: temporal.namespace, taskQueue: temporal.taskQueue };
}

/** The readiness probe's Temporal check. */
export async function pingTemporal(handle: TemporalHandle, timeoutMs = 2_000): Promise<void> {
  await handle.connection.withDeadline(Date.now() + timeoutMs, () =>
    handle.connection.workflowService.getSystemInfo({}),
  );
}

/**
 * The SDK's default gRPC retry interceptor, plus a guard beneath it. The retry
 * interceptor re-issues a failed call from a timer; when the connection was closed in
 * the meantime (shutdown while Temporal is unreachable), grpc-js throws "Channel has
 * been shut down" from that timer — an uncaught exception — and the caller's promise
 * never settles. The guard turns that throw into a CANCELLED status, which the retry
 * interceptor does not retry, so the call rejects instead.
 *
 * Pass these to your own `Connection.connect({ interceptors })` for the same behaviour.
 */
export function temporalGrpcInterceptors(): Interceptor[] {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), closedChannelGuard];
}

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
