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
import { REQUEST_HASH_MEMO } from './request-fingerprint.ts';
import { IdempotencyKeyReusedError, TemporalUnavailableError } from '../errors.ts';

// Re-exported for the webhook endpoint, which imports it from here.
export { TemporalUnavailableError };

export interface IdempotentStartResult {
  workflowId: string;
  runId: string;
  /** True when this call started the run; false for a duplicate (running or closed). */
  started: boolean;
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

/** Per-start options of {@link IdempotentStarter.start}. */
export interface IdempotentStartCheck {
  /**
   * Fingerprint of the request (see `requestHash`). Stored in the memo; a duplicate whose
   * memo holds another fingerprint throws {@link IdempotencyKeyReusedError}. Duplicates
   * then answer with their first run id.
   */
  requestHash?: string | undefined;
}

/** How long a start may take by default before the caller is told Temporal is unavailable. */
export const START_DEADLINE_MS = 3_000;

export interface IdempotentStarterOptions {
  /** Upper bound for the whole start (and the describe of a closed duplicate). Default 3 s. */
  deadlineMs?: number;
}

/** Starts workflows idempotently through a client; see the module comment. */
export class IdempotentStarter {
  private readonly client: Client;
  private readonly deadlineMs: number;

  constructor(base: Client, opts: IdempotentStarterOptions = {}) {
    this.deadlineMs = opts.deadlineMs ?? START_DEADLINE_MS;
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
  async start(workflowType: string, options: IdempotentStartOptions, check: IdempotentStartCheck = {}): Promise<IdempotentStartResult> {
    const deadline = Date.now() + this.deadlineMs;
    const hash = check.requestHash;
    const call = async (): Promise<IdempotentStartResult> => {
      const slot: { started?: boolean } = {};
      try {
        const handle = await outcome.run(slot, () =>
          this.client.workflow.start(workflowType, {
            ...options,
            ...(hash !== undefined ? { memo: { ...options.memo, [REQUEST_HASH_MEMO]: hash } } : {}),
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          } as WorkflowStartOptions),
        );
        const started = slot.started === true;
        if (started || hash === undefined) return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, started };
        return await this.checkedDuplicate(options.workflowId, hash);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // A closed run with this id: the delivery was processed before.
        if (hash !== undefined) return await this.checkedDuplicate(options.workflowId, hash);
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
      if (err instanceof TemporalUnavailableError || err instanceof IdempotencyKeyReusedError) throw err;
      throw new TemporalUnavailableError(`Temporal start failed: ${describeError(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A duplicate of a keyed request: same fingerprint → its first run; another one → reused key. */
  private async checkedDuplicate(workflowId: string, hash: string): Promise<IdempotentStartResult> {
    const described = await this.client.workflow.getHandle(workflowId).describe();
    const stored = described.memo?.[REQUEST_HASH_MEMO];
    // Runs started before fingerprints existed carry none: they count as the same request.
    if (typeof stored === 'string' && stored !== hash) throw new IdempotencyKeyReusedError(workflowId);
    return { workflowId, runId: described.raw.workflowExecutionInfo?.firstRunId || described.runId, started: false };
  }
}

function describeError(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const grpc = isGrpcServiceError(err) ? err : isGrpcServiceError(cause) ? cause : undefined;
  if (grpc) return `gRPC status ${grpc.code}: ${grpc.details}`;
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}
