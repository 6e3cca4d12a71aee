/**
 * Parked approvals and approval decisions, measured as an operator sees them. Each side's
 * worker runs in its own process (bench/worker-child.ts, `--expose-gc`) in production shape
 * (workflows in the SDK's worker thread); runs park in an approval (Switchboard: an
 * automation with one approval step; raw: `rawApproval`, a condition with a timeout and an
 * update handler). Phases:
 *  1. evicted: workers with a cache of 100, E runs parked per side, M decided (rounds
 *     alternating): nearly every decision replays its run;
 *  2. cached: fresh workers, warmed up; idle memory of both, measured together after both
 *     idled `idleSettleSeconds` (V8 gives a burst's young generation back only after some
 *     seconds without allocation); N runs parked per side; memory per run =
 *     (workflow-thread heap after a full GC, and process RSS, after − before) / N; M
 *     decisions per side at each concurrency, rounds alternating. Timed from the caller's
 *     side: Switchboard `POST /api/v1/runs/:workflowId/approvals/:stepId` with an
 *     approver's key (through the API client; the API in the load generator's process, or
 *     with `apiProcess` in its own as `switchboard api`), raw `handle.executeUpdate`;
 *  3. inbox: Switchboard runs parked up to I in all, then the approver's first inbox page
 *     (`GET /approvals?mine=true&limit=50`) against the bare visibility call of that page.
 * With `heapSnapshots` (a directory), heap snapshots of both workers' main isolates and
 * workflow threads are written idle (after warm-up) and with the N runs parked, and the idle
 * main isolates are compared (bench/heap-summary.ts); snapshots disturb the RSS figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { AutomationsClient } from '../../src/client/http-api.ts';
import type { TemporalHandle } from '../../src/temporal/client.ts';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { preloadedWorkflowModules, workflowInterceptorModules, workflowsPath } from '../../src/temporal/workflow-code.ts';
import { RAW_WORKFLOWS_PATH } from '../raw/worker.ts';
import { alternating, type Cleanup, figure, latencyFigures, log, RAW_TASK_QUEUE, rawClient, Sample, switchboardStack, waitFor, type SectionResult, withCleanup } from '../lib.ts';
import { summarize, summaryTable } from '../heap-summary.ts';
import { rawDecide } from '../raw/workflows.ts';
import type { ChildMemory, ChildRequest, ChildStatus, WorkerKind } from '../worker-child.ts';

export interface ParkedOptions {
  parked: number;
  decisions: number;
  concurrencies: number[];
  /** Runs parked per side on a worker with a cache of EVICTED_CACHE (0: no evicted phase). */
  evicted: number;
  /** Runs parked in all when the inbox is timed (0: not timed). */
  inboxParked: number;
  /** A directory for heap snapshots of both workers, idle and with the runs parked (none when absent). */
  heapSnapshots?: string | undefined;
  /**
   * Switchboard's API in its own process (as `switchboard api`) instead of the load
   * generator's: the production shape, at the price of one more process on the same cores.
   */
  apiProcess?: boolean | undefined;
  /**
   * Seconds both workers idle after the warm-up before their idle memory is measured (default
   * 30): V8's memory reducer gives a burst's young generation back some seconds after it.
   */
  idleSettleSeconds?: number | undefined;
}

const EVICTED_CACHE = 100;
const INBOX_REQUESTS = 200;

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

  static async start(kind: WorkerKind, init: { address: string; dbPath: string; masterKey: string; maxCachedWorkflows: number; workflowBundlePath: string }, cleanup: Cleanup): Promise<WorkerProcess> {
    const wp = WorkerProcess.fork(['--expose-gc', ...(process.env['BENCH_WORKER_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_WORKER_CPU_PROF']}`] : [])], cleanup);
    await wp.request({ type: 'start', kind, ...init });
    return wp;
  }

  /** Switchboard's API alone in its own process (as `switchboard api`); answers it and its base URL. */
  static async api(init: { address: string; dbPath: string; masterKey: string }, cleanup: Cleanup): Promise<{ process: WorkerProcess; url: string }> {
    const wp = WorkerProcess.fork([], cleanup);
    const { url } = await wp.request<{ url: string }>({ type: 'api', ...init });
    return { process: wp, url };
  }

  /** A child process of bench/worker-child.ts, stopped with `cleanup`. */
  private static fork(execArgv: string[], cleanup: Cleanup): WorkerProcess {
    const wp = new WorkerProcess(fork(runTs, [childScript], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    cleanup.add(() => wp.stop());
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

/**
 * Both sides' workflow code bundled here, ahead of the worker processes, as `npm run build`
 * bundles Switchboard's (dist/workflow-bundle-untraced.js: the interceptors and preloaded
 * modules built in, no tracing): a built worker loads its bundle and never runs the bundler,
 * whose memory would otherwise stay in the measured process's RSS.
 */
async function workflowBundles(dir: string): Promise<Record<WorkerKind, string>> {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  const out = { switchboard: join(dir, 'switchboard-workflow-bundle.js'), raw: join(dir, 'raw-workflow-bundle.js') };
  const sb = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: workflowInterceptorModules(undefined, undefined, { tracing: false }), preloadModules: preloadedWorkflowModules(), logger: quiet });
  await writeFile(out.switchboard, sb.code);
  await writeFile(out.raw, (await bundleWorkflowCode({ workflowsPath: RAW_WORKFLOWS_PATH, logger: quiet })).code);
  return out;
}

/**
 * Where a decision's time goes, from a sample of the decided runs' histories (server clock,
 * same machine): from sending the decision until the workflow task that took the update
 * started (for Switchboard: the HTTP hop, the describe and the update's way to the worker;
 * for an evicted run the replay is inside the task), the task itself, and from its
 * completion until the caller had the answer.
 */
async function decisionPhases(client: Client, ids: string[], timing: Map<string, { sent: number; answered: number }>) {
  const samples = { toTask: new Sample(), task: new Sample(), toAnswer: new Sample() };
  for (const id of ids.slice(0, 200)) {
    const t = timing.get(id);
    if (!t) continue;
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    if (accepted < 0) continue;
    // The task that accepted the update: the last started/completed pair before the acceptance.
    const before = events.slice(0, accepted);
    const started = before.findLast((e) => e.workflowTaskStartedEventAttributes);
    const completed = before.findLast((e) => e.workflowTaskCompletedEventAttributes);
    if (!started?.eventTime || !completed?.eventTime) continue;
    samples.toTask.latencies.push(tsToMs(started.eventTime) - t.sent);
    samples.task.latencies.push(tsToMs(completed.eventTime) - tsToMs(started.eventTime));
    samples.toAnswer.latencies.push(t.answered - tsToMs(completed.eventTime));
  }
  for (const s of Object.values(samples)) s.seconds = 1;
  return { toTask: samples.toTask.stats(), task: samples.task.stats(), toAnswer: samples.toAnswer.stats() };
}

/** Waits until none of the runs has a workflow task pending (each has parked), asking Temporal per run. */
async function allParked(client: Client, ids: string[]): Promise<void> {
  let waiting = [...ids];
  await waitFor(`${ids.length} runs parked`, async () => {
    const still: string[] = [];
    const queue = [...waiting];
    await new Sample().run(queue.length, 16, async () => {
      const id = queue.pop()!;
      const d = await client.workflow.getHandle(id).describe();
      if (d.raw.pendingWorkflowTask || d.historyLength < 3) still.push(id);
    });
    waiting = still;
    return waiting.length === 0;
  });
}

/** Terminates runs that are still open (an already closed one is skipped). */
async function terminateAll(client: Client, ids: string[]): Promise<void> {
  const queue = [...ids];
  await new Sample().run(queue.length, 16, async () => {
    await client.workflow.getHandle(queue.pop()!).terminate('bench: phase over').catch(() => undefined);
  });
}

/** Parks `n` runs of a side on an idle worker, returns their ids and the worker's memory before and after. */
async function parkAll(side: Side, n: number, concurrency: number, client: Client) {
  await side.worker.waitCached(0);
  const before = await side.worker.request<ChildMemory>({ type: 'memory' });
  const ids: string[] = [];
  await new Sample().run(n, concurrency, async () => {
    ids.push(await side.park());
  });
  await allParked(client, ids);
  await side.worker.waitCached(n);
  const after = await side.worker.request<ChildMemory>({ type: 'memory' });
  return { ids, memory: { before, after, bytesPerRun: (after.workflowHeapUsed - before.workflowHeapUsed) / n, rssPerRun: (after.rss - before.rss) / n } };
}

export async function parkedSection(server: DevServer, dbPath: string, opts: ParkedOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: false });
    const automationId = await sb.addAutomation({
      name: 'bench: parked approval',
      trigger: { type: 'manual' },
      steps: [{ id: 'approve', type: 'approval', approvers: ['bench-approver'], timeout: '1d', onTimeout: 'reject' }],
    });
    // With `apiProcess`, the API runs in its own process as `switchboard api` does (its event
    // loop and heap apart from the load generator's); else in the load generator's.
    const apiUrl = opts.apiProcess ? (await WorkerProcess.api({ address: server.address, dbPath, masterKey: sb.masterKey }, cleanup)).url : sb.url;
    const runner = await sb.apiClient('bench-runner', ['runs:write'], apiUrl);
    const approver = await sb.apiClient('bench-approver', ['approvals:decide', 'approvals:read'], apiUrl);
    const raw: Client = await rawClient(server.address, cleanup);
    const base = { address: server.address, dbPath, masterKey: sb.masterKey };
    const bundles = await workflowBundles(dirname(dbPath));
    const retries = { decisions: 0 };
    const sidesWith = async (maxCachedWorkflows: number): Promise<Record<WorkerKind, Side>> => ({
      switchboard: {
        worker: await WorkerProcess.start('switchboard', { ...base, maxCachedWorkflows, workflowBundlePath: bundles.switchboard }, cleanup),
        park: () => startParked(runner, automationId),
        decide: (id) => decideRetrying(approver, id, retries),
      },
      raw: {
        worker: await WorkerProcess.start('raw', { ...base, maxCachedWorkflows, workflowBundlePath: bundles.raw }, cleanup),
        park: async () => (await raw.workflow.start('rawApproval', { taskQueue: RAW_TASK_QUEUE, workflowId: `raw-approval:${randomUUID()}`, args: [{ timeoutMs: APPROVAL_TIMEOUT_MS }] })).workflowId,
        decide: async (id) => {
          await raw.workflow.getHandle(id).executeUpdate(rawDecide, { args: [{ approver: 'bench-approver', decision: 'approve' }] });
        },
      },
    });
    // Warm-up: a few runs per side parked and decided, so code and connections are loaded before a baseline.
    const warmUp = async (sides: Record<WorkerKind, Side>) => {
      const warm = Math.min(50, opts.parked);
      for (const side of Object.values(sides)) {
        const { ids } = await parkAll(side, warm, 16, raw);
        for (const id of ids) await side.decide(id);
      }
    };
    /** When each decision was sent and answered (Date.now()), for {@link decisionPhases}. */
    const timing = new Map<string, { sent: number; answered: number }>();
    const timed = async (side: Side, id: string) => {
      const sent = Date.now();
      await side.decide(id);
      timing.set(id, { sent, answered: Date.now() });
    };
    const decideAlternating = async (sides: Record<WorkerKind, Side>, queues: Record<WorkerKind, string[]>, m: number, concurrency: number) => {
      const decided = { switchboard: [] as string[], raw: [] as string[] };
      const next = (kind: WorkerKind) => {
        const id = queues[kind].shift()!;
        decided[kind].push(id);
        return id;
      };
      // Rounds of at least four times the concurrency, 4 to 10 of them: more, smaller rounds spread a
      // pause of the shared machine over both sides; each round still reaches its concurrency.
      const rounds = Math.min(m, Math.max(4, Math.min(10, Math.floor(m / (4 * concurrency)))));
      const sample = await alternating(m, concurrency, rounds, {
        switchboard: () => timed(sides.switchboard, next('switchboard')),
        raw: () => timed(sides.raw, next('raw')),
      });
      const phases = { switchboard: await decisionPhases(raw, decided.switchboard, timing), raw: await decisionPhases(raw, decided.raw, timing) };
      for (const [kind, ph] of Object.entries(phases)) {
        log(`parked: ${kind} decisions at concurrency ${concurrency} (p50 / p99 ms): sent → its workflow task started ${ph.toTask.p50.toFixed(0)} / ${ph.toTask.p99.toFixed(0)}, task ${ph.task.p50.toFixed(0)} / ${ph.task.p99.toFixed(0)}, task completed → answered ${ph.toAnswer.p50.toFixed(0)} / ${ph.toAnswer.p99.toFixed(0)}`);
      }
      return { ...sample, phases };
    };
    const m = Math.min(opts.decisions, Math.floor(opts.parked / opts.concurrencies.length));

    // 1. Evicted: a cache of 100 under E parked runs per side; the oldest are decided first.
    let evicted: Awaited<ReturnType<typeof decideAlternating>> | undefined;
    if (opts.evicted > 0) {
      log(`parked: evicted phase, ${opts.evicted} runs per side on a cache of ${EVICTED_CACHE}…`);
      const sides = await sidesWith(EVICTED_CACHE);
      await warmUp(sides);
      const queues = { switchboard: [] as string[], raw: [] as string[] };
      for (const kind of ['switchboard', 'raw'] as const) {
        await new Sample().run(opts.evicted, 16, async () => {
          queues[kind].push(await sides[kind].park());
        });
        // Every run has run its first workflow task (a backlog would otherwise land in the next phase's cache).
        await allParked(raw, queues[kind]);
        // The cache fills up to its size; fewer parked runs than that stay cached (small bench sizes).
        await sides[kind].worker.waitCached(Math.min(EVICTED_CACHE, opts.evicted));
      }
      evicted = await decideAlternating(sides, queues, Math.min(m, opts.evicted), 16);
      // The undecided runs are terminated, so the cached phase's fresh workers start with nothing to replay.
      await terminateAll(raw, [...queues.switchboard, ...queues.raw]);
      await Promise.all(Object.values(sides).map((s) => s.worker.stop()));
    }

    // 2. Cached: idle RSS, memory per parked run, decisions at each concurrency.
    log(`parked: cached phase, ${opts.parked} runs per side…`);
    const sides = await sidesWith(Math.max(1000, opts.parked + opts.inboxParked + 100));
    await warmUp(sides);
    // Idle as an operator sees it: both workers idle for the same time after the same warm-up,
    // then measured side by side (not each just before its own parking, when the raw worker
    // would have idled through Switchboard's parking first).
    const settle = opts.idleSettleSeconds ?? 30;
    log(`parked: both workers idle ${settle} s, then their idle memory…`);
    await new Promise((r) => setTimeout(r, settle * 1000));
    const [idleSb, idleRaw] = await Promise.all([sides.switchboard.worker.request<ChildMemory>({ type: 'memory' }), sides.raw.worker.request<ChildMemory>({ type: 'memory' })]);
    const snapshots = async (when: string) => {
      if (!opts.heapSnapshots) return undefined;
      await mkdir(opts.heapSnapshots, { recursive: true });
      const files: Record<WorkerKind, string[]> = { switchboard: [], raw: [] };
      for (const kind of ['switchboard', 'raw'] as const) {
        await sides[kind].worker.waitCached(when === 'idle' ? 0 : opts.parked);
        files[kind] = (await sides[kind].worker.request<{ files: string[] }>({ type: 'snapshot', dir: opts.heapSnapshots, prefix: `${kind}-${when}` })).files;
      }
      return files;
    };
    const idleSnapshots = await snapshots('idle');
    const switchboard = await parkAll(sides.switchboard, opts.parked, 16, raw);
    const rawParked = await parkAll(sides.raw, opts.parked, 16, raw);
    const parkedSnapshots = await snapshots('parked');
    const queues = { switchboard: [...switchboard.ids], raw: [...rawParked.ids] };
    const decisions: Record<string, Awaited<ReturnType<typeof decideAlternating>>> = {};
    for (const c of opts.concurrencies) {
      log(`parked: deciding ${m} per side at concurrency ${c}…`);
      decisions[`c${c}`] = await decideAlternating(sides, queues, m, c);
    }

    // 3. Inbox: the approver's first page with I runs parked in all.
    const inbox = await inboxLatency(sb.services.temporal, raw, approver, sides.switchboard, opts.inboxParked);

    // What the idle main isolates are made of: the largest groups of Switchboard's heap over raw's.
    let heap: { table: string; files: unknown } | undefined;
    if (idleSnapshots) {
      const table = summaryTable(await summarize(idleSnapshots.raw[0]!), await summarize(idleSnapshots.switchboard[0]!), 20);
      log(`parked: idle main isolate, raw → Switchboard (MiB):\n${table}`);
      heap = { table, files: { idle: idleSnapshots, parked: parkedSnapshots } };
    }

    const kib = (b: number) => b / 1024;
    const mib = (b: number) => b / 1024 / 1024;
    const sw = switchboard.memory;
    const rw = rawParked.memory;
    const memNote = `after − before parking ${opts.parked} runs per side, / ${opts.parked}; workflow-thread heap after a full GC (heap snapshot), RSS of the worker process`;
    return {
      figures: [
        figure('parked approvals', 'idle worker RSS after warm-up', 'MiB', mib(idleSb.rss), mib(idleRaw.rss), '≤ 1.5', `worker process, workflows in worker threads, nothing cached; both idle ${settle} s after the warm-up, measured together`),
        figure('parked approvals', 'idle: main isolate heap used', 'MiB', mib(idleSb.heapUsed), mib(idleRaw.heapUsed), '—', 'after a full GC (process.memoryUsage)'),
        figure('parked approvals', 'idle: main isolate heap committed', 'MiB', mib(idleSb.heapTotal), mib(idleRaw.heapTotal), '—', 'heapTotal: what V8 keeps reserved for the heap (the young generation grows with bursts)'),
        figure('parked approvals', 'idle: external + array buffers', 'MiB', mib(idleSb.external), mib(idleRaw.external), '—', 'C++ memory bound to JS objects, ArrayBuffers included'),
        figure('parked approvals', 'idle: workflow thread heap used', 'MiB', mib(idleSb.workflowHeapUsed), mib(idleRaw.workflowHeapUsed), '—', 'after a full GC'),
        figure('parked approvals', 'memory per parked run (workflow heap)', 'KiB', kib(sw.bytesPerRun), kib(rw.bytesPerRun), '≤ 1.3', memNote),
        figure('parked approvals', 'memory per parked run (RSS)', 'KiB', kib(sw.rssPerRun), kib(rw.rssPerRun), '≤ 1.3'),
        ...Object.entries(decisions).flatMap(([c, d]) =>
          latencyFigures('approval decision', `decision at concurrency ${c.slice(1)}`, d, { p50: '—', p99: '≤ 1.3' }, `Switchboard: POST /api/v1/runs/:workflowId/approvals/:stepId (approver key; the API ${opts.apiProcess ? 'in its own process' : "in the load generator's process"}); raw: handle.executeUpdate`),
        ),
        ...(evicted
          ? latencyFigures('approval decision', `decision on an evicted run (cache ${EVICTED_CACHE}, ${opts.evicted} parked)`, evicted, { p50: '—', p99: '≤ 1.5' }, 'the decided run is replayed first')
          : []),
        ...(inbox ? latencyFigures('approvals inbox', `first page of mine=true, ${inbox.parked} parked`, inbox.sample, { p50: '—', p99: '≤ 200 ms' }, 'raw: the bare ListWorkflowExecutions of the same page (no count, no memo decoding)') : []),
      ],
      detail: {
        ...opts,
        memory: { switchboard: sw, raw: rw }, idle: { switchboard: idleSb, raw: idleRaw },
        decisions,
        ...(evicted ? { evicted } : {}),
        ...(inbox ? { inbox } : {}),
        ...(heap ? { heap } : {}),
        decisionRetries: retries.decisions,
      },
    };
  });
}

/**
 * Decides as a client would: a 503 (Temporal or the run's state not answering within the
 * API's deadline, e.g. a replay of an evicted run on a loaded machine) is sent again after a
 * second, and a 409 after such a retry means the earlier attempt landed. The latency counts
 * every attempt (what the client waited); `retries` counts the 503s.
 */
async function decideRetrying(approver: AutomationsClient, workflowId: string, retries: { decisions: number }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await approver.decideApproval(workflowId, 'approve', { decision: 'approve' });
      return;
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (attempt > 1 && status === 409) return;
      if (status !== 503 || attempt >= 10) throw err;
      retries.decisions++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Calls `fn`; a 503 (Temporal busy past the API's deadline on a loaded machine) is sent again after a second, as a client would. */
async function retry503<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { status?: number }).status !== 503 || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Starts one run; a 503 (Temporal busy past the API's deadline) is sent again with the same key, as a client would. */
async function startParked(runner: AutomationsClient, automationId: string): Promise<string> {
  const idempotencyKey = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return (await runner.startRun(automationId, {}, { idempotencyKey })).workflowId;
    } catch (err) {
      if ((err as { status?: number }).status !== 503 || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Parks Switchboard runs until `total` wait in all, then times the approver's first inbox page against the bare visibility call. */
async function inboxLatency(temporal: TemporalHandle, client: Client, approver: AutomationsClient, side: Side, total: number) {
  if (total <= 0) return undefined;
  const count = async () => (await retry503(() => approver.listApprovalsPage({ mine: true, limit: 1 }))).total;
  const missing = total - (await count());
  if (missing > 0) {
    log(`parked: parking ${missing} more Switchboard runs for the inbox (${total} in all)…`);
    const ids: string[] = [];
    await new Sample().run(missing, 16, async () => {
      ids.push(await side.park());
    });
    // Parked and indexed before the timing starts: parking's writes would otherwise slow the first pages.
    await allParked(client, ids);
    await waitFor(`${total} approvals in the index`, async () => (await count()) >= total);
  }
  const parked = await count();
  const query = `WorkflowType = 'automationWorkflow' AND TaskQueue = '${temporal.taskQueue}' AND ExecutionStatus = 'Running' AND SwitchboardApprovers = 'bench-approver'`;
  const sample = await alternating(INBOX_REQUESTS, 1, 4, {
    switchboard: async () => {
      await retry503(() => approver.listApprovalsPage({ mine: true, limit: 50 }));
    },
    raw: async () => {
      await temporal.client.workflowService.listWorkflowExecutions({ namespace: temporal.namespace, query, pageSize: 50 });
    },
  });
  return { parked, sample };
}
