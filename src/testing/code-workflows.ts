/**
 * Testing code-first workflows (switchboard/workflow) as a user does: replay recorded
 * histories against the current code, and run workflows on Temporal's time-skipping
 * server with Switchboard's activities faked (or real ones), so a month-long approval
 * flow runs in seconds.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { workflowApiModule } from '../workflow-packages/load.ts';
import { searchAttributeTypes } from '../temporal/admin.ts';

type History = Parameters<typeof Worker.runReplayHistory>[1] | Parameters<typeof historyFromJSON>[0];

/**
 * Bundler options that resolve `switchboard/workflow` to this Switchboard's module.
 *
 * @example
 * const worker = await Worker.create({ taskQueue: 'orders', workflowsPath, activities, bundlerOptions: switchboardBundlerOptions() });
 */
export function switchboardBundlerOptions(): NonNullable<ReplayWorkerOptions['bundlerOptions']> {
  return {
    webpackConfigHook: (config) => {
      const resolve = config.resolve ?? {};
      const alias = Array.isArray(resolve.alias)
        ? [...resolve.alias, { name: 'switchboard/workflow', alias: workflowApiModule, onlyModule: true }]
        : { ...resolve.alias, 'switchboard/workflow$': workflowApiModule };
      return { ...config, resolve: { ...resolve, alias } };
    },
  };
}

/**
 * Replays each history (a `fetchHistory()` result or its JSON) against the workflows at
 * `workflowsPath`; resolves when all replay, rejects with the first nondeterminism.
 *
 * @example
 * await replayHistories(require.resolve('./workflows'), [{ workflowId: 'order-1', history }]);
 */
export async function replayHistories(workflowsPath: string, histories: { workflowId: string; history: History }[]): Promise<void> {
  const results = Worker.runReplayHistories({ workflowsPath, bundlerOptions: switchboardBundlerOptions() }, histories as never);
  for await (const r of results) {
    if (r.error) throw new Error(`history of ${r.workflowId} does not replay: ${r.error.message}`);
  }
}

/**
 * A time-skipping Temporal server and a worker running your workflows with the activities you give.
 *
 * @example
 * const h: TimeSkippingHarness = await timeSkippingHarness({ workflowsPath, activities });
 * await h.env.client.workflow.execute('orderApproval', { taskQueue: h.taskQueue, workflowId: 'o-1', args: [order] });
 * await h.close();
 */
export interface TimeSkippingHarness {
  env: TestWorkflowEnvironment;
  worker: Worker;
  taskQueue: string;
  close(): Promise<void>;
}

/**
 * Starts the time-skipping server with Switchboard's search attributes and a worker for
 * `workflowsPath` with `activities` (fakes of `runConnectorAction`, `llmCall`, … or
 * `switchboardActivities(...).activities`). Start runs with `harness.env.client`.
 *
 * @example
 * const h = await timeSkippingHarness({ workflowsPath, activities: { runConnectorAction: async (c) => ({ ok: true }) } });
 * const result = await h.env.client.workflow.execute('order', { taskQueue: h.taskQueue, workflowId: 'o-1', args: [order] });
 */
export async function timeSkippingHarness(opts: { workflowsPath: string; activities: object; taskQueue?: string; /** A local temporal-test-server binary (default: the SDK downloads one). */ testServerPath?: string | undefined }): Promise<TimeSkippingHarness> {
  const env = await TestWorkflowEnvironment.createTimeSkipping(opts.testServerPath ? { server: { executable: { type: 'existing-path', path: opts.testServerPath } } } : {});
  // The time-skipping server cannot list search attributes, but adds them (approvals upsert them).
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: searchAttributeTypes() });
  const taskQueue = opts.taskQueue ?? 'switchboard-test';
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: opts.workflowsPath, activities: opts.activities, bundlerOptions: switchboardBundlerOptions() });
  const running = worker.run();
  return {
    env,
    worker,
    taskQueue,
    async close() {
      worker.shutdown();
      await running.catch(() => undefined);
      await env.teardown();
    },
  };
}
