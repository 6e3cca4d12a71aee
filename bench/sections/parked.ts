/**
 * Parked approvals and approval decisions. Each side's worker runs in its own process
 * (bench/worker-child.ts, with `--expose-gc`); N runs per side park in an approval
 * (Switchboard: an automation with one approval step; raw: `rawApproval`, a condition
 * with a timeout and an update handler). Memory per run = (worker heap after parking −
 * before) / N, both after a GC, with every parked run in the worker's cache; the workers
 * run their workflows in the main isolate (`debugMode`) so that GC and heap include them.
 * Then M of them per side are decided, rounds alternating, timed from the caller's side:
 * Switchboard `POST /api/v1/runs/:workflowId/approvals/:stepId` with an approver's key
 * (through the API client), raw `handle.executeUpdate`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { alternating, type Cleanup, figure, latencyFigures, log, RAW_TASK_QUEUE, rawClient, Sample, switchboardStack, waitFor, type SectionResult, withCleanup } from '../lib.ts';
import { rawDecide } from '../raw/workflows.ts';
import type { ChildMemory, ChildRequest, ChildStatus, WorkerKind } from '../worker-child.ts';

export interface ParkedOptions {
  parked: number;
  decisions: number;
  concurrency: number;
}

const runTs = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const childScript = fileURLToPath(new URL('../worker-child.ts', import.meta.url));
const APPROVAL_TIMEOUT_MS = 24 * 3600_000;
/** A request without its id (distributed over the union). */
type Request = ChildRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** A worker process and its IPC requests. */
class WorkerProcess {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`worker process exited (${code})`));
      this.pending.clear();
    });
  }

  static async start(kind: WorkerKind, init: { address: string; dbPath: string; masterKey: string; maxCachedWorkflows: number }, cleanup: Cleanup): Promise<WorkerProcess> {
    const child = fork(runTs, [childScript], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const wp = new WorkerProcess(child);
    cleanup.add(() => wp.stop());
    await wp.request({ type: 'start', kind, ...init });
    return wp;
  }

  request<T>(req: Request): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...req, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.request({ type: 'stop' }).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  /** Waits until exactly `count` runs sit in the worker's cache with no activation in flight. */
  async waitCached(count: number): Promise<void> {
    await waitFor(`${count} runs in the worker's cache`, async () => {
      const s = await this.request<ChildStatus>({ type: 'status' });
      return s.cached === count && s.inFlight === 0;
    });
  }
}

interface Side {
  worker: WorkerProcess;
  /** Starts one run that parks; returns its workflow id. */
  park(): Promise<string>;
  decide(workflowId: string): Promise<void>;
}

/** Parks `n` runs of a side on an idle worker, returns their ids and the worker's memory before and after. */
async function parkAll(side: Side, n: number, concurrency: number) {
  await side.worker.waitCached(0);
  const before = await side.worker.request<ChildMemory>({ type: 'memory' });
  const ids: string[] = [];
  await new Sample().run(n, concurrency, async () => {
    ids.push(await side.park());
  });
  await side.worker.waitCached(n);
  const after = await side.worker.request<ChildMemory>({ type: 'memory' });
  return { ids, memory: { before, after, bytesPerRun: (after.heapUsed - before.heapUsed) / n, rssPerRun: (after.rss - before.rss) / n } };
}

export async function parkedSection(server: DevServer, dbPath: string, opts: ParkedOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: false });
    const automationId = await sb.addAutomation({
      name: 'bench: parked approval',
      trigger: { type: 'manual' },
      steps: [{ id: 'approve', type: 'approval', approvers: ['bench-approver'], timeout: '1d', onTimeout: 'reject' }],
    });
    const runner = await sb.apiClient('bench-runner', ['runs:write']);
    const approver = await sb.apiClient('bench-approver', ['approvals:decide']);
    const raw: Client = await rawClient(server.address, cleanup);
    const init = { address: server.address, dbPath, masterKey: sb.masterKey, maxCachedWorkflows: Math.max(1000, 2 * opts.parked) };
    const sides: Record<WorkerKind, Side> = {
      switchboard: {
        worker: await WorkerProcess.start('switchboard', init, cleanup),
        park: async () => (await runner.startRun(automationId, {})).workflowId,
        decide: async (id) => {
          await approver.decideApproval(id, 'approve', { decision: 'approve' });
        },
      },
      raw: {
        worker: await WorkerProcess.start('raw', init, cleanup),
        park: async () => (await raw.workflow.start('rawApproval', { taskQueue: RAW_TASK_QUEUE, workflowId: `raw-approval:${randomUUID()}`, args: [{ timeoutMs: APPROVAL_TIMEOUT_MS }] })).workflowId,
        decide: async (id) => {
          await raw.workflow.getHandle(id).executeUpdate(rawDecide, { args: [{ approver: 'bench-approver', decision: 'approve' }] });
        },
      },
    };
    // Warm-up: a few runs per side parked and decided, so code and connections are loaded before the baseline.
    const warm = Math.min(50, opts.parked);
    log(`parked: warming up (${warm} per side)…`);
    for (const side of Object.values(sides)) {
      const { ids } = await parkAll(side, warm, opts.concurrency);
      for (const id of ids) await side.decide(id);
    }
    log(`parked: parking ${opts.parked} runs per side…`);
    const switchboard = await parkAll(sides.switchboard, opts.parked, opts.concurrency);
    const rawParked = await parkAll(sides.raw, opts.parked, opts.concurrency);
    const m = Math.min(opts.decisions, opts.parked);
    log(`parked: deciding ${m} per side at concurrency ${opts.concurrency}…`);
    const queues = { switchboard: switchboard.ids.slice(0, m), raw: rawParked.ids.slice(0, m) };
    const decisions = await alternating(m, opts.concurrency, Math.min(4, m), {
      switchboard: () => sides.switchboard.decide(queues.switchboard.shift()!),
      raw: () => sides.raw.decide(queues.raw.shift()!),
    });
    const kib = (b: number) => b / 1024;
    const memNote = `worker heap after − before parking ${opts.parked} runs, after a GC${switchboard.memory.after.gc ? '' : ' (unavailable)'}; each side's worker in its own process, workflows in its main isolate (debugMode) so the GC reaches them; RSS per run in the JSON`;
    return {
      figures: [
        figure('parked approvals', 'memory per parked run', 'KiB', kib(switchboard.memory.bytesPerRun), kib(rawParked.memory.bytesPerRun), '≤ 1.3', memNote),
        ...latencyFigures('approval decision', 'decision', decisions, { p50: '—', p99: '≤ 1.3' }, 'Switchboard: POST /api/v1/runs/:workflowId/approvals/:stepId (approver key); raw: handle.executeUpdate'),
      ],
      detail: {
        ...opts,
        memory: { switchboard: switchboard.memory, raw: rawParked.memory },
        decisions,
      },
    };
  });
}
