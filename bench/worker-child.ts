/**
 * One worker in its own process for the parked-approvals section (bench/sections/parked.ts
 * forks it with `--expose-gc`), so its memory counts only the runs it holds in its cache.
 * The workflows run in the main isolate (`debugMode`), where a GC and `heapUsed` reach them.
 * Asked over IPC: `start` (a Switchboard or a raw worker), `status` (cache and
 * activations), `memory` (after a GC), `stop`.
 */
import type { Worker } from '@temporalio/worker';
import { Cleanup, quietTemporalSdk, rawWorker, switchboardServices, switchboardWorker } from './lib.ts';

export type WorkerKind = 'switchboard' | 'raw';

export type ChildRequest =
  | { id: number; type: 'start'; kind: WorkerKind; address: string; dbPath: string; masterKey: string; maxCachedWorkflows: number }
  | { id: number; type: 'status' | 'memory' | 'stop' };

export interface ChildStatus {
  cached: number;
  inFlight: number;
}

export interface ChildMemory {
  rss: number;
  heapUsed: number;
  gc: boolean;
}

const cleanup = new Cleanup();
let worker: Worker | undefined;

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      quietTemporalSdk();
      // debugMode: the workflows run in this process's main isolate (reusable V8 context as
      // usual) instead of a worker thread, so the GC below and heapUsed see their memory.
      const overrides = { maxCachedWorkflows: req.maxCachedWorkflows, debugMode: true };
      if (req.kind === 'raw') worker = await rawWorker(req.address, cleanup, overrides);
      else worker = (await switchboardWorker(await switchboardServices(req.address, req.dbPath, req.masterKey, cleanup, { migrate: false }), req.address, cleanup, overrides)).worker;
      return { pid: process.pid };
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
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, gc: gc !== undefined } satisfies ChildMemory;
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
