/**
 * `npm run bench [-- --count 500 --concurrency 32 --rounds 3 --storage memory,sqlite --sides switchboard,raw,bullmq]`
 *
 * One job, three ways, in one process tree with rounds alternating so drifting load
 * on a shared machine hits every side alike: a signed GitHub `issues.opened` webhook
 * that ends in one log line.
 * - switchboard: the real endpoint (verification, routing, run start) and the real
 *   worker running an automation with one `logging.log` step;
 * - raw temporal: a small HTTP endpoint verifying the same HMAC and starting a
 *   workflow with one activity, on the same dev server with the same worker defaults;
 * - bullmq: Express 5 + BullMQ on a private `redis-server --appendonly yes
 *   --appendfsync everysec` (the outside view; skipped when redis-server is missing).
 * Each storage (`memory`: the dev server in memory; `sqlite`: a SQLite file with the
 * pragmas `switchboard dev` uses) gets its own dev server. Prints a table with ratios
 * to raw Temporal and writes JSON to bench/results/ (or `--out`).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Queue, Worker as BullWorker } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import { signGithubPayload } from '../connectors/sdk/index.ts';
import { createApp } from '../src/app.ts';
import { AutomationService } from '../src/automations/service.ts';
import { loadConfig, withConfig } from '../src/config.ts';
import { sealSecrets } from '../src/connections/store.ts';
import { loadConnectorRegistry } from '../src/connectors/load.ts';
import { Connection as ConnectionRow } from '../src/db/entities/index.ts';
import { openOrm } from '../src/db/orm.ts';
import { createLogger } from '../src/logger.ts';
import { keyringFromText } from '../src/security/master-key.ts';
import { createServices, type Services } from '../src/services.ts';
import { createTemporalClient } from '../src/temporal/client.ts';
import { startDevServer, type DevServer } from '../src/temporal/dev-server.ts';
import { startWorker } from '../src/temporal/worker.ts';
import { createRawActivities } from './raw/activities.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    storage: { type: 'string', default: 'memory,sqlite' },
    sides: { type: 'string', default: 'switchboard,raw,bullmq' },
    out: { type: 'string' },
  },
});
const COUNT = Math.min(Math.max(Number(values.count) || 500, 5), 20_000);
const CONCURRENCY = Math.min(Math.max(Number(values.concurrency) || 32, 1), 256);
const ROUNDS = Math.min(Math.max(Number(values.rounds) || 3, 1), 20);
const STORAGES = values.storage.split(',').filter((s): s is 'memory' | 'sqlite' => s === 'memory' || s === 'sqlite');
const SIDES = new Set(values.sides.split(','));
const SECRET = 'bench-secret';
const CLOCK_TICKS = 100;

const body = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'benchmark', body: 'x'.repeat(1500) }, repository: { full_name: 'acme/bench' } });
const signature = signGithubPayload(body, SECRET);
const log = (line: string) => process.stderr.write(`${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

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

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

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

/** Deliveries answered 503 (Temporal busy past the intake deadline) and sent again, per side. */
const retried = new Map<string, number>();

/** Sends one signed delivery; a 503 is redelivered after a second, as providers do. */
async function post(url: string, delivery: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    });
    await res.arrayBuffer();
    if (res.status === 202 || (attempt > 1 && res.status === 200)) return;
    if (res.status !== 503 || attempt >= 10) throw new Error(`unexpected status ${res.status} from ${url}`);
    retried.set(url, (retried.get(url) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 1000));
  }
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
  const base = loadConfig(process.env);
  const port = await freePort();
  const server: DevServer = await startDevServer({
    dataDir: join(dir, storage),
    dbFile: storage === 'memory' ? null : join(dir, storage, 'temporal.sqlite'),
    ui: false,
    port,
    namespace: 'default',
    cliPath: base.temporal.cliPath,
    searchPath: base.searchPath,
  });
  const closers: (() => Promise<unknown>)[] = [() => server.stop()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  };
  try {
    const logger = createLogger({ level: 'silent' });
    const config = withConfig(base, {
      database: { kind: 'sqlite', path: join(dir, `${storage}-switchboard.sqlite`) },
      temporal: { address: server.address, taskQueue: 'switchboard' },
      logLevel: 'silent',
    });
    const orm = await openOrm(config.database, { migrate: true });
    closers.push(() => orm.close());
    const temporal = createTemporalClient({ ...config.temporal, address: server.address });
    closers.push(() => temporal.connection.close());
    const keyring = keyringFromText(randomBytes(32).toString('base64'));
    const services: Services = createServices({ config, logger, orm, temporal, keyring, connectors: await loadConnectorRegistry(config) });
    const { app } = createApp(services);
    const http: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    closers.push(() => closeHttp(http));
    const sbUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    services.config = withConfig(config, { publicUrl: sbUrl });
    const sbWorker = await startWorker({ ...services, address: server.address });
    closers.push(() => sbWorker.shutdown());

    const em = orm.em.fork();
    const github = `conn_gh${randomBytes(4).toString('hex')}`;
    const logging = `conn_log${randomBytes(4).toString('hex')}`;
    em.create(ConnectionRow, { id: github, connector: 'github', name: 'bench', config: {}, ...sealSecrets(keyring, github, { webhookSecret: SECRET }) });
    em.create(ConnectionRow, { id: logging, connector: 'logging', name: 'log', config: {}, ...sealSecrets(keyring, logging, {}) });
    await em.flush();
    const automation = await new AutomationService({ orm, temporal }).create({
      name: 'bench: log opened issues',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'issue {{ trigger.payload.issue.number }} opened' } }],
    });
    const sbPrefix = `run:${automation.id}:wh:github:${github}:`;

    // The raw version: its own endpoint and worker (default options) on the same server.
    const rawConnection = await NativeConnection.connect({ address: server.address });
    const rawWorker = await Worker.create({
      connection: rawConnection,
      taskQueue: 'raw',
      workflowsPath: fileURLToPath(new URL('./raw/workflows.ts', import.meta.url)),
      activities: createRawActivities(logger),
    });
    const rawRunning = rawWorker.run();
    closers.push(async () => {
      rawWorker.shutdown();
      await rawRunning;
      await rawConnection.close();
    });
    const rawClient = new Client({ connection: await Connection.connect({ address: server.address }) });
    closers.push(() => rawClient.connection.close());
    const rawHttp = await rawEndpoint(rawClient);
    closers.push(() => closeHttp(rawHttp));
    const rawUrl = `http://127.0.0.1:${(rawHttp.address() as AddressInfo).port}/webhook`;

    return {
      sides: [
        {
          name: 'switchboard',
          storage,
          serverPid: server.pid,
          send: (d) => post(`${sbUrl}/webhooks/github/${github}`, d),
          collect: (ds, since) => collectFromVisibility(temporal.client, 'switchboard', ds, since, (id) => (id.startsWith(sbPrefix) ? id.slice(sbPrefix.length) : undefined)),
        },
        {
          name: 'raw temporal',
          storage,
          serverPid: server.pid,
          send: (d) => post(rawUrl, d),
          collect: (ds, since) => collectFromVisibility(rawClient, 'raw', ds, since, (id) => (id.startsWith('raw:') ? id.slice(4) : undefined)),
        },
      ],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The raw endpoint: verify `X-Hub-Signature-256`, start `rawFlow` idempotently by delivery id, answer 202. */
async function rawEndpoint(client: Client): Promise<Server> {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.writeHead(401).end();
          return;
        }
        const delivery = String(req.headers['x-github-delivery']);
        try {
          const handle = await client.workflow.start('rawFlow', {
            taskQueue: 'raw',
            workflowId: `raw:${delivery}`,
            args: [{ delivery, payload: JSON.parse(raw.toString('utf8')) as unknown }],
            workflowIdConflictPolicy: 'USE_EXISTING',
          });
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ workflowId: handle.workflowId }));
        } catch {
          res.writeHead(503).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
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
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).end();
      return;
    }
    const delivery = String(req.headers['x-github-delivery']);
    await queue.add('flow', { delivery, payload: JSON.parse(raw.toString('utf8')) as unknown }, { jobId: delivery, removeOnComplete: 1000 });
    res.status(202).json({ jobId: delivery });
  });
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/webhook`;
  return {
    sides: [
      {
        name: 'express + bullmq',
        storage: 'redis aof everysec',
        serverPid: redis.pid,
        send: (d) => post(url, d),
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
  };
}

function table(summaries: Summary[]): string {
  const raw = (s: Summary) => summaries.find((r) => r.side === 'raw temporal' && r.storage === s.storage) ?? summaries.find((r) => r.side === 'raw temporal' && r.storage === 'memory');
  const num = (v: number | null, digits = 1) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));
  const ratio = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined || b === 0 ? '—' : `×${(a / b).toFixed(2)}`);
  const lines = [
    '| side | storage | flows/s | ratio | executions/flow | history events/flow | ratio | p50 e2e ms | ratio | p99 e2e ms | Node CPU ms/flow | server CPU ms/flow | rounds flows/s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    const r = raw(s);
    lines.push(
      `| ${s.side} | ${s.storage} | ${num(s.flowsPerSecond)} | ${ratio(s.flowsPerSecond, r?.flowsPerSecond)} | ${num(s.executionsPerFlow, 2)} | ${num(s.historyEventsPerFlow, 1)} | ${ratio(s.historyEventsPerFlow, r?.historyEventsPerFlow)} | ${num(s.p50, 0)} | ${ratio(s.p50, r?.p50)} | ${num(s.p99, 0)} | ${num(s.nodeCpuMsPerFlow, 1)} | ${num(s.serverCpuMsPerFlow, 1)} | ${s.rounds.map((x) => x.flowsPerSecond.toFixed(1)).join(' → ')} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-bench-flows-'));
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
    const text = table(summaries);
    console.log(text);
    const out = values.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results', `flows-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify({ count: COUNT, concurrency: CONCURRENCY, rounds: ROUNDS, at: new Date().toISOString(), summaries, retried503: Object.fromEntries(retried), table: text }, null, 2));
    if (retried.size) log(`503 answers redelivered: ${JSON.stringify(Object.fromEntries(retried))}`);
    log(`wrote ${out}`);
  } finally {
    for (const s of stacks.reverse()) await s.close().catch((err: unknown) => log(`cleanup: ${String(err)}`));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
