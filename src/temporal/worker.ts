/**
 * The Switchboard worker: every workflow in workflows/ and every activity from
 * activities/, on one task queue; plus the connector-action pollers of the
 * rate-limited connections' queues (rate-limited-workers.ts) and the concurrency
 * keepers' close watchers (`<taskQueue>-concurrency`, docs/concepts/flow-control.md).
 */
import { NativeConnection, Worker, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import type { Sinks } from '@temporalio/workflow';
import { createActivities } from '../../activities/index.ts';
import type { ActivityDeps } from '../../activities/deps.ts';
import { dataConverterFor } from './codec.ts';
import { workerDeploymentOptions } from './deployment.ts';
import { runMetricsSinks } from '../metrics/run-sink.ts';
import { workflowCodeOptions } from './workflow-code.ts';
import { workflowCodeWithPackages } from '../workflow-packages/bundle.ts';
import { workflowCatalog, WorkflowPackageError } from '../workflow-packages/load.ts';
import type { Tracing } from '../telemetry/tracing.ts';
import { ConnectionRateLimits } from '../connections/rate-limits.ts';
import { RateLimitedWorkers } from './rate-limited-workers.ts';
import { HEARTBEAT_THROTTLE } from './constants.ts';
import { concurrencyWatchQueue } from '../../workflows/automation/concurrency-contracts.ts';

/**
 * Close watches of concurrency keepers one worker runs at once. Each is an idle long poll
 * on the shared connection for as long as its run holds a slot, so they get their own
 * queue and worker (not the provider calls' slots).
 */
export const CONCURRENCY_WATCH_SLOTS = 2_000;

export { workflowsPath } from './workflow-code.ts';

/** The `exporter` sink of workflows/tracing-interceptors.ts on a worker without tracing. */
const DISCARDED_WORKFLOW_SPANS: InjectedSinks<Sinks> = { exporter: { export: { fn: () => undefined } } };

export interface WorkerHandle {
  worker: Worker;
  connection: NativeConnection;
  /** Pollers of the rate-limited connections' queues. */
  rateLimited: RateLimitedWorkers;
  /** The concurrency keepers' close watchers (`concurrencyWatchQueue`). */
  watcher: Worker;
  /** Resolves when the worker has stopped. */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(
  deps: ActivityDeps & {
    address: string;
    tracing?: Tracing | undefined;
    /** The process's list (services.connectionRateLimits), which the connections API invalidates; default: the worker's own. */
    connectionRateLimits?: ConnectionRateLimits | undefined;
  },
  overrides: Partial<WorkerOptions> = {},
): Promise<WorkerHandle> {
  const connection = await NativeConnection.connect({ address: deps.address });
  const { tracing } = deps;
  const code =
    deps.config.workflowPackages.length > 0 && !overrides.workflowsPath && !overrides.workflowBundle
      ? await workflowCodeWithPackages(await workflowCatalog(deps.config), { tracing: tracing !== undefined })
      : workflowCodeOptions(overrides, { tracing: tracing !== undefined });
  const limits = deps.connectionRateLimits ?? new ConnectionRateLimits(deps.orm, deps.connectors, deps.config.temporal.taskQueue);
  const activities = createActivities({ ...deps, connectionRateLimits: limits });
  const dataConverter = deps.config.payloadEncryption ? dataConverterFor(deps.config, deps.keyring) : undefined;
  const worker = await createWorker(deps.config.workflowPackages, {
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    ...code,
    ...(tracing ? { interceptors: { ...code.interceptors, activity: tracing.activityInterceptors } } : {}),
    activities,
    // Without tracing the tracing interceptors are not loaded; the no-op sink stays for code that names it.
    sinks: { ...runMetricsSinks(), ...(tracing ? tracing.workflowSinks : DISCARDED_WORKFLOW_SPANS) },
    shutdownGraceTime: '5 seconds',
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    ...workerDeploymentOptions(deps.config),
    ...(deps.config.temporal.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: deps.config.temporal.maxCachedWorkflows } : {}),
    ...(dataConverter ? { dataConverter } : {}),
    ...overrides,
  }).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const rateLimited = new RateLimitedWorkers({
    connection,
    namespace: deps.config.temporal.namespace,
    // Connector actions, and the model calls of `llm` steps on a rate-limited connection.
    activities: { runConnectorAction: activities.runConnectorAction, llmCall: activities.llmCall },
    limits,
    logger: deps.logger,
    ...(dataConverter ? { dataConverter } : {}),
  });
  await rateLimited.start();
  const watcher = await Worker.create({
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: concurrencyWatchQueue(deps.config.temporal.taskQueue),
    activities: { awaitRunClosed: activities.awaitRunClosed },
    maxConcurrentActivityTaskExecutions: CONCURRENCY_WATCH_SLOTS,
    shutdownGraceTime: '1 second',
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    ...(dataConverter ? { dataConverter } : {}),
  });
  const watching = watcher.run();
  const running = worker.run();
  return {
    worker,
    connection,
    rateLimited,
    watcher,
    running,
    async shutdown() {
      await rateLimited.shutdown();
      if (watcher.getState() === 'RUNNING') watcher.shutdown();
      await watching.catch(() => undefined);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

/** `Worker.create`; with workflow packages, a bundling failure is one line naming them. */
async function createWorker(packages: readonly string[], options: WorkerOptions): Promise<Worker> {
  try {
    return await Worker.create(options);
  } catch (err) {
    if (packages.length === 0 || !/bundl|webpack|Module not found|resolve/i.test((err as Error).message)) throw err;
    const first = (err as Error).message.split('\n').find((l) => l.trim()) ?? String(err);
    throw new WorkflowPackageError(packages.join(','), `failed to bundle: ${first.trim()}`);
  }
}
