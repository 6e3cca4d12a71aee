/**
 * One worker in its own process for the parked-approvals section (bench/sections/parked.ts
 * forks it with `--expose-gc`), so its memory counts only the runs it holds in its cache.
 * Production shape: the workflows run in the SDK's worker thread(s), as `switchboard
 * worker` runs them. The same script serves Switchboard's API alone in its own process, as
 * `switchboard api` runs it (`api`: answers its URL). Asked over IPC: `start` (a Switchboard
 * or a raw worker), `api`, `status`
 * (cache and activations), `memory` (process RSS and main heap after a GC, and the workflow
 * threads' used heap after the full GC a heap snapshot makes), `snapshot` (heap snapshots of
 * the main isolate and of each workflow thread written to a directory, for
 * bench/heap-summary.ts), `stop`.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeHeapSnapshot } from 'node:v8';
import type { Worker as NodeWorkerThread } from 'node:worker_threads';
import type { Worker } from '@temporalio/worker';
import { Cleanup, quietTemporalSdk, rawWorker } from './raw/worker.ts';

export type WorkerKind = 'switchboard' | 'raw';

export type ChildRequest =
  | { id: number; type: 'start'; kind: WorkerKind; address: string; dbPath: string; masterKey: string; maxCachedWorkflows: number; workflowBundlePath?: string | undefined }
  | { id: number; type: 'api'; address: string; dbPath: string; masterKey: string }
  | { id: number; type: 'snapshot'; dir: string; prefix: string }
  | { id: number; type: 'status' | 'memory' | 'stop' };

export interface ChildStatus {
  cached: number;
  inFlight: number;
}

export interface ChildMemory {
  rss: number;
  heapUsed: number;
  /** Main isolate: heap reserved, memory of C++ objects bound to JS, of ArrayBuffers (process.memoryUsage()). */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Total heap of the workflow worker thread(s) (reserved). */
  workflowHeapTotal: number;
  /** Used heap of the workflow worker thread(s) after a full GC. */
  workflowHeapUsed: number;
  gc: boolean;
}

/**
 * The SDK's workflow worker threads. Not a public API: the bench reads it to measure the
 * threads' heap; an SDK upgrade that renames it shows as workflowHeapUsed 0.
 */
function workflowThreads(w: Worker): NodeWorkerThread[] {
  const creator = (w as unknown as { workflowCreator?: { workerThreadClients?: { workerThread: NodeWorkerThread }[] } }).workflowCreator;
  return creator?.workerThreadClients?.map((c) => c.workerThread) ?? [];
}

/** Used heap of a worker thread after a full GC: a heap snapshot collects first; the stream is drained and dropped. */
async function threadHeapAfterGc(t: NodeWorkerThread): Promise<{ used: number; total: number }> {
  const snapshot = await t.getHeapSnapshot();
  for await (const _chunk of snapshot) {
    // drained: only the GC it made matters
  }
  const stats = await t.getHeapStatistics();
  return { used: stats.used_heap_size, total: stats.total_heap_size };
}

const cleanup = new Cleanup();
let worker: Worker | undefined;

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      quietTemporalSdk();
      // A bundle built ahead of time (as a built `switchboard worker` loads dist/workflow-bundle*.js): no bundler in this process.
      const overrides = { maxCachedWorkflows: req.maxCachedWorkflows, ...(req.workflowBundlePath ? { workflowBundle: { codePath: req.workflowBundlePath } } : {}) };
      if (req.kind === 'raw') worker = await rawWorker(req.address, cleanup, overrides);
      else {
        // Loaded only here: a raw worker process holds none of Switchboard's modules.
        const { switchboardServices, switchboardWorker } = await import('./lib.ts');
        worker = (await switchboardWorker(await switchboardServices(req.address, req.dbPath, req.masterKey, cleanup, { migrate: false }), req.address, cleanup, overrides)).worker;
      }
      return { pid: process.pid };
    }
    case 'api': {
      // Switchboard's API alone, as `switchboard api` runs it: its event loop and heap are not the load generator's.
      const { closeHttp, listen, switchboardServices } = await import('./lib.ts');
      const { createApp } = await import('../src/app.ts');
      const services = await switchboardServices(req.address, req.dbPath, req.masterKey, cleanup, { migrate: false });
      const { app } = createApp(services);
      const { server, url } = await listen(app);
      cleanup.add(() => closeHttp(server));
      return { url };
    }
    case 'status': {
      const s = worker!.getStatus();
      return { cached: s.numCachedWorkflows, inFlight: s.numInFlightWorkflowActivations } satisfies ChildStatus;
    }
    case 'memory': {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        await new Promise((r) => setTimeout(r, 100));
        gc();
      }
      let workflowHeapUsed = 0;
      let workflowHeapTotal = 0;
      for (const t of workflowThreads(worker!)) {
        const h = await threadHeapAfterGc(t);
        workflowHeapUsed += h.used;
        workflowHeapTotal += h.total;
      }
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, workflowHeapUsed, workflowHeapTotal, gc: gc !== undefined } satisfies ChildMemory;
    }
    case 'snapshot': {
      const files = [writeHeapSnapshot(join(req.dir, `${req.prefix}-main.heapsnapshot`))];
      for (const [i, t] of workflowThreads(worker!).entries()) {
        const file = join(req.dir, `${req.prefix}-workflow-thread-${i}.heapsnapshot`);
        await pipeline(await t.getHeapSnapshot(), createWriteStream(file));
        files.push(file);
      }
      return { files };
    }
    case 'stop':
      await cleanup.run();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (req: ChildRequest) => {
  handle(req).then(
    (result) => process.send!({ id: req.id, result }),
    (err: unknown) => process.send!({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => void cleanup.run().finally(() => process.exit(0)));
