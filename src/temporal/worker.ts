/**
 * The Switchboard worker: every workflow in workflows/ and every activity from
 * activities/, on one task queue.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities/index.ts';
import type { ActivityDeps } from '../../activities/deps.ts';
import { dataConverterFor } from './codec.ts';
import { workerDeploymentOptions } from './deployment.ts';
import { runMetricsSinks } from '../metrics/run-sink.ts';
import { workflowCodeOptions } from './workflow-code.ts';

export { workflowsPath } from './workflow-code.ts';

export interface WorkerHandle {
  worker: Worker;
  connection: NativeConnection;
  /** Resolves when the worker has stopped. */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(
  deps: ActivityDeps & { address: string },
  overrides: Partial<WorkerOptions> = {},
): Promise<WorkerHandle> {
  const connection = await NativeConnection.connect({ address: deps.address });
  const worker = await Worker.create({
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    ...workflowCodeOptions(overrides),
    activities: createActivities(deps),
    sinks: runMetricsSinks(),
    shutdownGraceTime: '5 seconds',
    ...workerDeploymentOptions(deps.config),
    ...(deps.config.payloadEncryption ? { dataConverter: dataConverterFor(deps.config, deps.keyring) } : {}),
    ...overrides,
  });
  const running = worker.run();
  return {
    worker,
    connection,
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
