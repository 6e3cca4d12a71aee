/**
 * `npm run bench [-- --count 500 --concurrency 32 --rounds 3 --storage memory,sqlite --sides switchboard,raw,bullmq
 *   --sections flows,steps,parked,intake,foreach,waits --steps-count 50 --steps-concurrency 4 --parked 3000 --decisions 1000
 *   --decision-concurrency 16,64 --evicted 2000 --inbox-parked 10000 --idle-settle 30 --heap-snapshots <dir> --api-process --intake-count 1000 --intake-concurrency 32
 *   --foreach-items 1000 --foreach-concurrency 10 --foreach-rounds 3 --foreach-large 10000 --waits 1000 --waits-concurrency 16
 *   --concurrency-keys 20 --concurrency-per-key 50 --fairness-flood 2000 --fairness-small 200 --debounce-events 1000 --debounce-keys 10]`
 *
 * Section `flows`: one job, three ways, in one process tree with rounds alternating so
 * drifting load on a shared machine hits every side alike: a signed GitHub
 * `issues.opened` webhook that ends in one log line.
 * - switchboard: the real endpoint (verification, routing, run start) and the real
 *   worker running an automation with one `logging.log` step;
 * - raw temporal: a small HTTP endpoint verifying the same HMAC and starting a
 *   workflow with one activity, on the same dev server with the same worker defaults;
 * - bullmq: Express 5 + BullMQ on a private `redis-server --appendonly yes
 *   --appendfsync everysec` (the outside view; skipped when redis-server is missing).
 * Each storage (`memory`: the dev server in memory; `sqlite`: a SQLite file with the
 * pragmas `switchboard dev` uses) gets its own dev server.
 * The other sections (bench/sections/) compare Switchboard with raw Temporal, each on
 * its own in-memory dev server: `steps` (10-step flow latency), `parked` (memory per
 * parked approval and decision latency), `intake` (webhook intake without a worker),
 * `foreach` (loop items/s, and the largest history of a 10,000-item loop),
 * `waits` (wait_for_event resume latency and the cost of an event that wakes nobody);
 * `concurrency` and `fairness` (bench/sections/flow-control.ts) compare flow control with a hand-written
 * raw Temporal version (a per-key mutex workflow; workflows started with `priority.fairnessKey`), `debounce`
 * with a plain webhook automation (not in the default list: `--sections concurrency,fairness,debounce`).
 * Prints the tables with ratios to raw Temporal and writes JSON to bench/results/ (or `--out`).
 */
import { randomUUID } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { DevServer } from '../src/temporal/dev-server.ts';
import { Queue, Worker as BullWorker } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import {
  Cleanup,
  closeHttp,
  devServer,
  figuresTable,
  fmtRatio,
  freePort,
  listen,
  log,
  pct,
  postDelivery,
  quietTemporalSdk,
  RAW_TASK_QUEUE,
  rawClient,
  rawSignedEndpoint,
  rawWorker,
  retried,
  signedBySecret,
  switchboardStack,
  webhookAutomation,
  type Figure,
  type SectionResult,
  withCleanup,
} from './lib.ts';
import { concurrencySection, debounceSection, fairnessSection } from './sections/flow-control.ts';
import { foreachSection } from './sections/foreach.ts';
import { intakeSection } from './sections/intake.ts';
import { parkedSection } from './sections/parked.ts';
import { stepsSection } from './sections/steps.ts';
import { waitsSection } from './sections/waits.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    storage: { type: 'string', default: 'memory,sqlite' },
    sides: { type: 'string', default: 'switchboard,raw,bullmq' },
    sections: { type: 'string', default: 'flows,steps,parked,intake,foreach,waits' },
    'steps-count': { type: 'string', default: '50' },
    'steps-concurrency': { type: 'string', default: '4' },
    parked: { type: 'string', default: '3000' },
    decisions: { type: 'string', default: '1000' },
    'decision-concurrency': { type: 'string', default: '16,64' },
    evicted: { type: 'string', default: '2000' },
    'inbox-parked': { type: 'string', default: '10000' },
    'idle-settle': { type: 'string', default: '30' },
    'heap-snapshots': { type: 'string' },
    'api-process': { type: 'boolean', default: false },
    'intake-count': { type: 'string', default: '1000' },
    'intake-concurrency': { type: 'string', default: '32' },
    'foreach-items': { type: 'string', default: '1000' },
    'foreach-concurrency': { type: 'string', default: '10' },
    'foreach-rounds': { type: 'string', default: '3' },
    'foreach-large': { type: 'string', default: '10000' },
    waits: { type: 'string', default: '1000' },
    'waits-concurrency': { type: 'string', default: '16' },
    'concurrency-keys': { type: 'string', default: '20' },
    'concurrency-per-key': { type: 'string', default: '50' },
    'fairness-flood': { type: 'string', default: '2000' },
    'fairness-small': { type: 'string', default: '200' },
    'debounce-events': { type: 'string', default: '1000' },
    'debounce-keys': { type: 'string', default: '10' },
    out: { type: 'string' },
  },
});
/** A numeric flag within [min, max]; `fallback` when it is absent or not a number (`0` is a number). */
const sized = (v: string | undefined, fallback: number, min: number, max: number) => {
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Math.min(Math.max(Number.isFinite(n) ? n : fallback, min), max);
};
const COUNT = sized(values.count, 500, 5, 20_000);
const CONCURRENCY = sized(values.concurrency, 32, 1, 256);
const ROUNDS = sized(values.rounds, 3, 1, 20);
const STORAGES = values.storage.split(',').filter((s): s is 'memory' | 'sqlite' => s === 'memory' || s === 'sqlite');
const SIDES = new Set(values.sides.split(','));
const SECTIONS = new Set(values.sections.split(','));
const STEPS = { count: sized(values['steps-count'], 50, 2, 5_000), concurrency: sized(values['steps-concurrency'], 4, 1, 64) };
const PARKED = {
  parked: sized(values.parked, 3000, 2, 20_000),
  decisions: sized(values.decisions, 1000, 2, 20_000),
  concurrencies: values['decision-concurrency'].split(',').map((c) => sized(c, 16, 1, 256)),
  evicted: sized(values.evicted, 2000, 0, 20_000),
  inboxParked: sized(values['inbox-parked'], 10_000, 0, 50_000),
  idleSettleSeconds: sized(values['idle-settle'], 30, 0, 600),
  heapSnapshots: values['heap-snapshots'],
  apiProcess: values['api-process'],
};
const INTAKE = { count: sized(values['intake-count'], 1000, 4, 50_000), concurrency: sized(values['intake-concurrency'], 32, 1, 256) };
const FOREACH = {
  items: sized(values['foreach-items'], 1000, 2, 100_000),
  concurrency: sized(values['foreach-concurrency'], 10, 1, 50),
  rounds: sized(values['foreach-rounds'], 3, 1, 20),
  large: sized(values['foreach-large'], 10_000, 2, 1_000_000),
};
const WAITS = { parked: sized(values.waits, 1000, 2, 20_000), concurrency: sized(values['waits-concurrency'], 16, 1, 256) };
const FLOW_CONTROL = {
  concurrency: { keys: sized(values['concurrency-keys'], 20, 1, 1000), perKey: sized(values['concurrency-per-key'], 50, 1, 10_000) },
  fairness: { flood: sized(values['fairness-flood'], 2000, 1, 50_000), small: sized(values['fairness-small'], 200, 1, 10_000) },
  debounce: { events: sized(values['debounce-events'], 1000, 1, 100_000), keys: sized(values['debounce-keys'], 10, 1, 1000) },
};
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) of a process, from /proc; 0 where that is unavailable. */
async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

interface RoundResult {
  round: number;
  flowsPerSecond: number;
  p50: number;
  p99: number;
  executionsPerFlow: number | null;
  historyEventsPerFlow: number | null;
  nodeCpuMsPerFlow: number;
  serverCpuMsPerFlow: number | null;
}

/** One way of doing the job: sends a delivery, and after a round tells when each flow ended. */
interface Side {
  name: string;
  storage: string;
  send(delivery: string): Promise<void>;
  /** Waits until the round's flows are done; per delivery the end time (epoch ms), plus Temporal figures. */
  collect(deliveries: string[], since: Date): Promise<{ ends: Map<string, number>; executions?: number; historyEvents?: number }>;
  serverPid?: number | undefined;
}

async function runRound(side: Side, round: number): Promise<RoundResult> {
  const deliveries = Array.from({ length: COUNT }, () => randomUUID());
  const sent = new Map<string, number>();
  const since = new Date(Date.now() - 1000);
  const cpu0 = process.cpuUsage();
  const server0 = await processCpuSeconds(side.serverPid);
  const began = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        sent.set(d, Date.now());
        await side.send(d);
      }
    }),
  );
  const { ends, executions, historyEvents } = await side.collect(deliveries, since);
  const cpu = process.cpuUsage(cpu0);
  const server1 = await processCpuSeconds(side.serverPid);
  const latencies = deliveries.map((d) => ends.get(d)! - sent.get(d)!).sort((a, b) => a - b);
  const last = Math.max(...ends.values());
  return {
    round,
    flowsPerSecond: COUNT / ((last - began) / 1000),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    executionsPerFlow: executions === undefined ? null : executions / COUNT,
    historyEventsPerFlow: historyEvents === undefined ? null : historyEvents / COUNT,
    nodeCpuMsPerFlow: (cpu.user + cpu.system) / 1000 / COUNT,
    serverCpuMsPerFlow: side.serverPid ? ((server1 - server0) * 1000) / COUNT : null,
  };
}

/**
 * Waits for every flow of a round to close, from Temporal visibility: one listing of
 * the task queue's workflows started since the round began gives each one's close
 * time and history length (and how many executions a flow cost).
 */
async function collectFromVisibility(client: Client, taskQueue: string, deliveries: string[], since: Date, deliveryOf: (workflowId: string) => string | undefined) {
  const wanted = new Set(deliveries);
  const query = `TaskQueue = "${taskQueue}" AND StartTime >= "${since.toISOString()}"`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const done = await client.workflow.count(`${query} AND ExecutionStatus != "Running"`);
    const all = await client.workflow.count(query);
    if (done.count >= deliveries.length && done.count === all.count) break;
    if (Date.now() > deadline) throw new Error(`flows on ${taskQueue} did not finish: ${done.count}/${all.count} closed`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const ends = new Map<string, number>();
  let executions = 0;
  let historyEvents = 0;
  for await (const wf of client.workflow.list({ query })) {
    const d = deliveryOf(wf.workflowId);
    if (d === undefined || !wanted.has(d)) continue;
    if (wf.status.name !== 'COMPLETED') throw new Error(`${wf.workflowId} ended ${wf.status.name}`);
    executions++;
    historyEvents += wf.historyLength;
    ends.set(d, Math.max(ends.get(d) ?? 0, wf.closeTime!.getTime()));
  }
  if (ends.size !== deliveries.length) throw new Error(`found ${ends.size} of ${deliveries.length} flows on ${taskQueue}`);
  return { ends, executions, historyEvents };
}

interface Stack {
  sides: Side[];
  close(): Promise<void>;
}

/** A dev server with Switchboard (API + worker) and the raw Temporal version on it. */
async function temporalStack(storage: 'memory' | 'sqlite', dir: string): Promise<Stack> {
  const cleanup = new Cleanup();
  try {
    const server = await devServer(storage, dir, cleanup);
    const sb = await switchboardStack(server, join(dir, `${storage}-switchboard.sqlite`), cleanup, { worker: true });
    const { webhookUrl, runIdPrefix } = await webhookAutomation(sb);
    // The raw version: its own endpoint and worker (default options) on the same server.
    await rawWorker(server.address, cleanup);
    const client = await rawClient(server.address, cleanup);
    const rawHttp = await rawEndpoint(client);
    cleanup.add(() => closeHttp(rawHttp.server));
    const rawUrl = `${rawHttp.url}/webhook`;
    return {
      sides: [
        {
          name: 'switchboard',
          storage,
          serverPid: server.pid,
          send: (d) => postDelivery(webhookUrl, d),
          collect: (ds, since) => collectFromVisibility(sb.services.temporal.client, 'switchboard', ds, since, (id) => (id.startsWith(runIdPrefix) ? id.slice(runIdPrefix.length) : undefined)),
        },
        {
          name: 'raw temporal',
          storage,
          serverPid: server.pid,
          send: (d) => postDelivery(rawUrl, d),
          collect: (ds, since) => collectFromVisibility(client, RAW_TASK_QUEUE, ds, since, (id) => (id.startsWith('raw:') ? id.slice(4) : undefined)),
        },
      ],
      close: () => cleanup.run(),
    };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}

/** The raw endpoint: verify `X-Hub-Signature-256`, start `rawFlow` idempotently by delivery id, answer 202. */
/** The raw version's endpoint: verifies the signature, starts `rawFlow` for the delivery. */
function rawEndpoint(client: Client): Promise<{ server: Server; url: string }> {
  return rawSignedEndpoint(async (payload, delivery) => {
    const handle = await client.workflow.start('rawFlow', {
      taskQueue: RAW_TASK_QUEUE,
      workflowId: `raw:${delivery}`,
      args: [{ delivery, payload }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return { workflowId: handle.workflowId };
  });
}

/** Express 5 + BullMQ on a private Redis with AOF every second. */
async function bullmqStack(dir: string): Promise<Stack | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    log('redis-server not found: the BullMQ side is skipped');
    return undefined;
  }
  const port = await freePort();
  const redisDir = join(dir, 'redis');
  await mkdir(redisDir, { recursive: true });
  const redis: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', redisDir], { stdio: 'ignore' });
  // BullMQ in native ESM takes constructed clients; workers need maxRetriesPerRequest: null.
  const clients: Redis[] = [];
  const connect = () => {
    const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
    clients.push(c);
    return c;
  };
  const queue = new Queue('flows', { connection: connect() });
  await queue.waitUntilReady();
  const ends = new Map<string, number>();
  const waiters = new Set<() => void>();
  const worker = new BullWorker(
    'flows',
    async (job) => {
      const data = job.data as { delivery: string; payload: { issue?: { number?: number } } };
      return { logged: true, message: `issue ${data.payload.issue?.number ?? '?'} opened`, at: new Date().toISOString() };
    },
    { connection: connect(), concurrency: 100 },
  );
  worker.on('completed', (job) => {
    ends.set(job.id!, job.finishedOn ?? Date.now());
    for (const w of waiters) w();
  });
  const app = express();
  app.post('/webhook', express.raw({ type: 'application/json' }), async (req, res) => {
    const raw = req.body as Buffer;
    if (!signedBySecret(raw, req.headers['x-hub-signature-256'])) {
      res.status(401).end();
      return;
    }
    const delivery = String(req.headers['x-github-delivery']);
    await queue.add('flow', { delivery, payload: JSON.parse(raw.toString('utf8')) as unknown }, { jobId: delivery, removeOnComplete: 1000 });
    res.status(202).json({ jobId: delivery });
  });
  const { server: http, url: base } = await listen(app);
  const url = `${base}/webhook`;
  return {
    sides: [
      {
        name: 'express + bullmq',
        storage: 'redis aof everysec',
        serverPid: redis.pid,
        send: (d) => postDelivery(url, d),
        collect: async (ds) => {
          const missing = () => ds.some((d) => !ends.has(d));
          while (missing()) {
            await new Promise<void>((resolve) => {
              const w = () => {
                waiters.delete(w);
                resolve();
              };
              waiters.add(w);
              setTimeout(w, 200);
            });
          }
          return { ends: new Map(ds.map((d) => [d, ends.get(d)!])) };
        },
      },
    ],
    close: async () => {
      await closeHttp(http);
      await worker.close();
      await queue.close();
      for (const c of clients) c.disconnect();
      redis.kill('SIGTERM');
    },
  };
}

interface Summary {
  side: string;
  storage: string;
  rounds: RoundResult[];
  flowsPerSecond: number;
  p50: number;
  p99: number;
  executionsPerFlow: number | null;
  historyEventsPerFlow: number | null;
  nodeCpuMsPerFlow: number;
  serverCpuMsPerFlow: number | null;
  /** Drift: each round's flows/s over round 1's. */
  roundOverFirst: number[];
}

function summarise(side: Side, rounds: RoundResult[]): Summary {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const first = rounds[0]!;
  return {
    side: side.name,
    storage: side.storage,
    rounds,
    flowsPerSecond: med(rounds.map((r) => r.flowsPerSecond)),
    p50: med(rounds.map((r) => r.p50)),
    p99: med(rounds.map((r) => r.p99)),
    executionsPerFlow: first.executionsPerFlow,
    historyEventsPerFlow: first.historyEventsPerFlow,
    nodeCpuMsPerFlow: med(rounds.map((r) => r.nodeCpuMsPerFlow)),
    serverCpuMsPerFlow: first.serverCpuMsPerFlow === null ? null : med(rounds.map((r) => r.serverCpuMsPerFlow!)),
    roundOverFirst: rounds.map((r) => r.flowsPerSecond / first.flowsPerSecond),
  };
}

function table(summaries: Summary[]): string {
  const raw = (s: Summary) => summaries.find((r) => r.side === 'raw temporal' && r.storage === s.storage) ?? summaries.find((r) => r.side === 'raw temporal' && r.storage === 'memory');
  const num = (v: number | null, digits = 1) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));
  const ratio = fmtRatio;
  const lines = [
    '| side | storage | flows/s | ratio | executions/flow | history events/flow | ratio | p50 e2e ms | ratio | p99 e2e ms | Node CPU ms/flow | server CPU ms/flow | rounds flows/s | round N / round 1 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    const r = raw(s);
    lines.push(
      `| ${s.side} | ${s.storage} | ${num(s.flowsPerSecond)} | ${ratio(s.flowsPerSecond, r?.flowsPerSecond)} | ${num(s.executionsPerFlow, 2)} | ${num(s.historyEventsPerFlow, 1)} | ${ratio(s.historyEventsPerFlow, r?.historyEventsPerFlow)} | ${num(s.p50, 0)} | ${ratio(s.p50, r?.p50)} | ${num(s.p99, 0)} | ${num(s.nodeCpuMsPerFlow, 1)} | ${num(s.serverCpuMsPerFlow, 1)} | ${s.rounds.map((x) => x.flowsPerSecond.toFixed(1)).join(' → ')} | ×${s.roundOverFirst.at(-1)!.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** Section `flows`: the webhook flow three ways, rounds alternating. */
async function flowsSection(dir: string): Promise<{ summaries: Summary[]; table: string }> {
  const stacks: Stack[] = [];
  try {
    for (const storage of STORAGES) stacks.push(await temporalStack(storage, dir));
    const bull = SIDES.has('bullmq') ? await bullmqStack(dir) : undefined;
    if (bull) stacks.push(bull);
    // `--sides` keeps some of them (e.g. one side alone under `node --cpu-prof`).
    const sides = stacks.flatMap((s) => s.sides).filter((s) => SIDES.has(s.name === 'raw temporal' ? 'raw' : s.name === 'switchboard' ? 'switchboard' : 'bullmq'));
    log(`warming up (${Math.min(50, COUNT)} flows per side)…`);
    for (const side of sides) {
      const ds = Array.from({ length: Math.min(50, COUNT) }, () => randomUUID());
      await Promise.all(ds.map((d) => side.send(d)));
      await side.collect(ds, new Date(Date.now() - 60_000));
    }
    log(`measuring ${ROUNDS} alternating rounds of ${COUNT} flows at concurrency ${CONCURRENCY}…`);
    const results = new Map<Side, RoundResult[]>(sides.map((s) => [s, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const side of sides) {
        const r = await runRound(side, round);
        results.get(side)!.push(r);
        log(`round ${round} ${side.name} (${side.storage}): ${r.flowsPerSecond.toFixed(1)} flows/s, p50 ${r.p50.toFixed(0)} ms`);
      }
    }
    const summaries = sides.map((s) => summarise(s, results.get(s)!));
    return { summaries, table: table(summaries) };
  } finally {
    for (const s of stacks.reverse()) await s.close().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

type SectionRun = (server: DevServer, dbPath: string) => Promise<SectionResult>;

/** The sections comparing Switchboard with raw Temporal, in the order they run. */
const SECTIONS_VS_RAW: [string, SectionRun][] = [
  ['steps', (server, db) => stepsSection(server, db, STEPS)],
  ['parked', (server, db) => parkedSection(server, db, PARKED)],
  ['intake', (server, db) => intakeSection(server, db, INTAKE)],
  ['foreach', (server, db) => foreachSection(server, db, FOREACH)],
  ['waits', (server, db) => waitsSection(server, db, WAITS)],
  ['concurrency', (server, db) => concurrencySection(server, db, FLOW_CONTROL.concurrency)],
  ['fairness', (server, db) => fairnessSection(server, db, FLOW_CONTROL.fairness)],
  ['debounce', (server, db) => debounceSection(server, db, FLOW_CONTROL.debounce)],
];

async function main(): Promise<void> {
  quietTemporalSdk();
  const dir = await mkdtemp(join(tmpdir(), 'sb-bench-flows-'));
  try {
    const flows = SECTIONS.has('flows') ? await flowsSection(dir) : undefined;
    if (flows) console.log(flows.table);
    const figures: Figure[] = [];
    const sections: Record<string, unknown> = {};
    for (const [name, run] of SECTIONS_VS_RAW.filter(([name]) => SECTIONS.has(name))) {
      // Each section on its own in-memory dev server, so none inherits another's history.
      const result = await withCleanup(async (cleanup) => run(await devServer('memory', join(dir, name), cleanup), join(dir, `${name}-switchboard.sqlite`)));
      figures.push(...result.figures);
      sections[name] = result.detail;
    }
    const figureText = figures.length ? figuresTable(figures) : undefined;
    if (figureText) console.log(`${flows ? '\n' : ''}${figureText}`);
    const out = values.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results', `flows-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(
      out,
      JSON.stringify(
        { count: COUNT, concurrency: CONCURRENCY, rounds: ROUNDS, at: new Date().toISOString(), summaries: flows?.summaries ?? [], retried503: Object.fromEntries(retried), table: flows?.table, figures, figuresTable: figureText, sections },
        null,
        2,
      ),
    );
    if (retried.size) log(`503 answers redelivered: ${JSON.stringify(Object.fromEntries(retried))}`);
    log(`wrote ${out}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
