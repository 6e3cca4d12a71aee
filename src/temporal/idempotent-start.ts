/**
 * Idempotent workflow starts: the workflow id is the idempotency key. A start uses
 * conflict policy USE_EXISTING (a running duplicate answers with its run) and reuse
 * policy REJECT_DUPLICATE (a closed duplicate is never run again while the namespace
 * keeps its history), and reports whether this call started the run.
 *
 * The SDK's `workflow.start` drops the server's `started` flag, so the starter reads
 * it from the gRPC response through a thin wrapper of the connection's
 * `workflowService`, correlated with the call by AsyncLocalStorage (needs Temporal
 * server ≥ 1.25, which sets the flag).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, isGrpcServiceError, WorkflowExecutionAlreadyStartedError, type ConnectionLike, type WorkflowStartOptions } from '@temporalio/client';

export interface IdempotentStartResult {
  workflowId: string;
  runId: string;
  /** True when this call started the run; false for a duplicate (running or closed). */
  started: boolean;
}

/**
 * Thrown when Temporal did not accept or answer a start within the deadline (down,
 * unreachable, overloaded). Callers answer 503 and let the sender retry.
 */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const outcome = new AsyncLocalStorage<{ started?: boolean }>();

/** Binds methods to their target so private fields and `this` keep working behind the proxy. */
function bound<T extends object>(target: T, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

function recordingConnection(connection: ConnectionLike): ConnectionLike {
  const service = connection.workflowService;
  const start = async (req: Parameters<typeof service.startWorkflowExecution>[0]) => {
    const res = await service.startWorkflowExecution(req);
    const slot = outcome.getStore();
    if (slot) slot.started = res.started ?? false;
    return res;
  };
  const wrappedService = new Proxy(service, { get: (t, p) => (p === 'startWorkflowExecution' ? start : bound(t, p)) });
  return new Proxy(connection, { get: (t, p) => (p === 'workflowService' ? wrappedService : bound(t, p)) });
}

/** What a start needs besides the policies the starter sets itself. */
export type IdempotentStartOptions = Omit<WorkflowStartOptions, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'>;

export interface IdempotentStarterOptions {
  /** Upper bound for the whole start (and the describe of a closed duplicate). Default 3 s. */
  deadlineMs?: number;
}

/** Starts workflows idempotently through a client; see the module comment. */
export class IdempotentStarter {
  private readonly client: Client;
  private readonly deadlineMs: number;

  constructor(base: Client, opts: IdempotentStarterOptions = {}) {
    this.deadlineMs = opts.deadlineMs ?? 3_000;
    this.client = new Client({
      connection: recordingConnection(base.connection),
      namespace: base.options.namespace,
      dataConverter: base.options.dataConverter,
      interceptors: base.options.interceptors,
      identity: base.options.identity,
    });
  }

  /**
   * Starts `workflowType` with `options.workflowId`, or finds the run that id already has.
   * Throws {@link TemporalUnavailableError} when Temporal does not answer in time.
   */
  async start(workflowType: string, options: IdempotentStartOptions): Promise<IdempotentStartResult> {
    const deadline = Date.now() + this.deadlineMs;
    const call = async (): Promise<IdempotentStartResult> => {
      const slot: { started?: boolean } = {};
      try {
        const handle = await outcome.run(slot, () =>
          this.client.workflow.start(workflowType, {
            ...options,
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          } as WorkflowStartOptions),
        );
        return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, started: slot.started === true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // A closed run with this id: the delivery was processed before.
        const described = await this.client.workflow.getHandle(options.workflowId).describe();
        return { workflowId: options.workflowId, runId: described.runId, started: false };
      }
    };
    let timer: NodeJS.Timeout | undefined;
    // The gRPC deadline bounds each call; the timer bounds everything else (connecting, retries).
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TemporalUnavailableError('Temporal did not answer in time')), this.deadlineMs + 250);
    });
    try {
      return await Promise.race([this.client.connection.withDeadline(deadline, call), timeout]);
    } catch (err) {
      if (err instanceof TemporalUnavailableError) throw err;
      throw new TemporalUnavailableError(`Temporal start failed: ${describeError(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeError(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const grpc = isGrpcServiceError(err) ? err : isGrpcServiceError(cause) ? cause : undefined;
  if (grpc) return `gRPC status ${grpc.code}: ${grpc.details}`;
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}
