/**
 * The raw side's worker and the few helpers a worker process needs, apart from bench/lib.ts
 * so that a raw worker process (bench/worker-child.ts) loads no Switchboard code: its RSS
 * is a raw Temporal worker's.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createLogger } from '../../src/logger.ts';
import { installTemporalRuntime } from '../../src/temporal/runtime.ts';
import { createRawActivities } from './activities.ts';

export const log = (line: string) => process.stderr.write(`${line}\n`);
export const silentLogger = () => createLogger({ level: 'silent' });

/** The Temporal SDK's logs at WARN and above only (no bundler output); once per process, before the first worker. */
export const quietTemporalSdk = () => installTemporalRuntime(createLogger({ level: 'warn' }));

/** Closes what a section opened, last first; a failing closer is logged, not thrown. */
export class Cleanup {
  private readonly closers: (() => Promise<unknown>)[] = [];
  add(closer: () => Promise<unknown>): void {
    this.closers.push(closer);
  }
  async run(): Promise<void> {
    for (const c of this.closers.splice(0).reverse()) await c().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

export const RAW_TASK_QUEUE = 'raw';

/** The raw version's workflow code (bundled by the worker, or ahead of time: `workflowBundle`). */
export const RAW_WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/** The raw version's worker (default options plus `overrides`) on bench/raw/workflows.ts. */
export async function rawWorker(address: string, cleanup: Cleanup, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue: RAW_TASK_QUEUE,
    ...(overrides.workflowBundle ? {} : { workflowsPath: RAW_WORKFLOWS_PATH }),
    activities: createRawActivities(silentLogger()),
    ...overrides,
  });
  const running = worker.run();
  cleanup.add(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });
  return worker;
}

