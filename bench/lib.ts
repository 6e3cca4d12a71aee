/**
 * Shared parts of the benchmark's sections (bench/flows.ts runs them): dev servers, a
 * Switchboard stack (services, API, optionally its worker), the raw Temporal worker
 * and client, timed samples with alternating rounds, and the comparison figures.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import { signGithubPayload } from '../connectors/sdk/index.ts';
import { AutomationService } from '../src/automations/service.ts';
import { createAutomationsClient, type AutomationsClient } from '../src/client/http-api.ts';
import { loadConfig, withConfig } from '../src/config.ts';
import { sealSecrets } from '../src/connections/store.ts';
import { loadConnectorRegistry } from '../src/connector-host/load.ts';
import { Connection as ConnectionRow } from '../src/db/entities/index.ts';
import { openOrm } from '../src/db/orm.ts';
import { createApiKey } from '../src/security/api-key-store.ts';
import { keyringFromText } from '../src/security/master-key.ts';
import type { Scope } from '../src/security/scopes.ts';
import { createServices, type Services } from '../src/services.ts';
import { createTemporalClient } from '../src/temporal/client.ts';
import { startDevServer, type DevServer } from '../src/temporal/dev-server.ts';
import { startWorker } from '../src/temporal/worker.ts';

// The raw side's worker pieces live apart so a raw worker process loads no Switchboard code.
export { Cleanup, log, quietTemporalSdk, RAW_TASK_QUEUE, rawWorker, silentLogger } from './raw/worker.ts';
import { Cleanup, silentLogger } from './raw/worker.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

/** Runs `body` with its own {@link Cleanup}, run when it ends either way. */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  try {
    return await body(cleanup);
  } finally {
    await cleanup.run();
  }
}

/** How many operations a section runs per side, and how many at once. */
export interface Load {
  count: number;
  concurrency: number;
}

/** What a section hands back: its figures for the table, and its details for the JSON. */
export interface SectionResult {
  figures: Figure[];
  detail: unknown;
}

export async function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

export function listen(app: { listen(port: number, host: string, cb: () => void): Server }): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

/** Whether `raw` carries the GitHub signature of the benchmark's secret (`X-Hub-Signature-256`). */
export function signedBySecret(raw: Buffer, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A raw side's webhook endpoint, written the usual way on node:http: it verifies the
 * benchmark secret's GitHub signature (401 otherwise), then hands the parsed body and the
 * delivery id to `handle` and answers 202 with what it returns (503 when it throws).
 */
export async function rawSignedEndpoint(handle: (payload: unknown, delivery: string) => Promise<unknown>): Promise<{ server: Server; url: string }> {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        if (!signedBySecret(raw, req.headers['x-hub-signature-256'])) {
          res.writeHead(401).end();
          return;
        }
        try {
          const body = await handle(JSON.parse(raw.toString('utf8')) as unknown, String(req.headers['x-github-delivery']));
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        } catch {
          res.writeHead(503).end();
        }
      })();
    });
  });
  return listen(server);
}

/** A private dev server (`memory`, or `sqlite`: a file with the pragmas `switchboard dev` uses). */
export async function devServer(storage: 'memory' | 'sqlite', dir: string, cleanup: Cleanup): Promise<DevServer> {
  const base = loadConfig(process.env);
  const server = await startDevServer({
    dataDir: join(dir, storage),
    dbFile: storage === 'memory' ? null : join(dir, storage, 'temporal.sqlite'),
    ui: false,
    port: await freePort(),
    namespace: 'default',
    cliPath: base.temporal.cliPath,
    searchPath: base.searchPath,
  });
  cleanup.add(() => server.stop());
  return server;
}

/** Switchboard's services on a dev server and a SQLite database (the API process and bench/worker-child.ts build the same). */
export async function switchboardServices(address: string, dbPath: string, masterKey: string, cleanup: Cleanup, opts: { migrate: boolean }): Promise<Services> {
  const config = withConfig(loadConfig(process.env), { database: { kind: 'sqlite', path: dbPath }, temporal: { address, taskQueue: 'switchboard' }, logLevel: 'silent' });
  const orm = await openOrm(config.database, { migrate: opts.migrate });
  cleanup.add(() => orm.close());
  const temporal = createTemporalClient({ ...config.temporal, address });
  cleanup.add(() => temporal.connection.close());
  return createServices({ config, logger: silentLogger(), orm, temporal, keyring: keyringFromText(masterKey), connectors: await loadConnectorRegistry(config) });
}

/** Starts Switchboard's worker with the benchmark's overrides. */
export async function switchboardWorker(services: Services, address: string, cleanup: Cleanup, overrides: Partial<WorkerOptions> = {}) {
  const worker = await startWorker({ ...services, address }, overrides);
  cleanup.add(() => worker.shutdown());
  return worker;
}

export interface SwitchboardStack {
  services: Services;
  /** The API's base URL. */
  url: string;
  dbPath: string;
  masterKey: string;
  /** Stores a connection with these secrets; returns its id. */
  addConnection(connector: string, secrets: Record<string, unknown>): Promise<string>;
  /** Saves an automation; returns its id. */
  addAutomation(definition: Parameters<AutomationService['create']>[0]): Promise<string>;
  /** The typed API client with a fresh key of this principal and scopes (`baseUrl`: another API process on the same database; default this stack's). */
  apiClient(principal: string, scopes: Scope[], baseUrl?: string): Promise<AutomationsClient>;
}

/** Switchboard's API (and with `worker`, its worker in this process) on a dev server. */
export async function switchboardStack(server: DevServer, dbPath: string, cleanup: Cleanup, opts: { worker: boolean }): Promise<SwitchboardStack> {
  const masterKey = randomBytes(32).toString('base64');
  const services = await switchboardServices(server.address, dbPath, masterKey, cleanup, { migrate: true });
  // Loaded here only: a worker process (bench/worker-child.ts) imports this module but runs no API.
  const { createApp } = await import('../src/app.ts');
  const { app } = createApp(services);
  const { server: http, url } = await listen(app);
  cleanup.add(() => closeHttp(http));
  services.config = withConfig(services.config, { publicUrl: url });
  if (opts.worker) await switchboardWorker(services, server.address, cleanup);
  const { orm, temporal, keyring } = services;
  return {
    services,
    url,
    dbPath,
    masterKey,
    async addConnection(connector, secrets) {
      const em = orm.em.fork();
      const id = `conn_${connector.slice(0, 3)}${randomBytes(4).toString('hex')}`;
      em.create(ConnectionRow, { id, connector, name: `bench ${connector}`, config: {}, ...sealSecrets(keyring, id, secrets) });
      await em.flush();
      return id;
    },
    async addAutomation(definition) {
      return (await new AutomationService({ orm, temporal }).create(definition)).id;
    },
    async apiClient(principal, scopes, baseUrl = url) {
      const { key } = await createApiKey(orm.em.fork(), { name: `bench ${principal}`, principal, scopes });
      return createAutomationsClient({ baseUrl, apiKey: key });
    },
  };
}

/** The benchmark's webhook: a signed GitHub `issues.opened` delivery. */
export const WEBHOOK_SECRET = 'bench-secret';
export const webhookBody = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'benchmark', body: 'x'.repeat(1500) }, repository: { full_name: 'acme/bench' } });
const webhookSignature = signGithubPayload(webhookBody, WEBHOOK_SECRET);

/** Deliveries answered 503 (Temporal busy past the intake deadline) and sent again, per URL. */
export const retried = new Map<string, number>();

/** Sends one signed delivery; a 503 is redelivered after a second, as providers do. */
export async function postDelivery(url: string, delivery: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      body: webhookBody,
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': delivery, 'x-hub-signature-256': webhookSignature },
    });
    await res.arrayBuffer();
    if (res.status === 202 || (attempt > 1 && res.status === 200)) return;
    if (res.status !== 503 || attempt >= 10) throw new Error(`unexpected status ${res.status} from ${url}`);
    retried.set(url, (retried.get(url) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A GitHub connection and an automation it triggers (`issues.opened` → one `logging.log` step). */
export async function webhookAutomation(sb: SwitchboardStack): Promise<{ connectionId: string; automationId: string; webhookUrl: string; runIdPrefix: string }> {
  const connectionId = await sb.addConnection('github', { webhookSecret: WEBHOOK_SECRET });
  const logging = await sb.addConnection('logging', {});
  const automationId = await sb.addAutomation({
    name: 'bench: log opened issues',
    trigger: { type: 'webhook', connection: connectionId, events: ['github.issues.opened'] },
    steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'issue {{ trigger.payload.issue.number }} opened' } }],
  });
  return { connectionId, automationId, webhookUrl: `${sb.url}/webhooks/github/${connectionId}`, runIdPrefix: `run:${automationId}:wh:github:${connectionId}:` };
}

/** A plain Temporal client (no Switchboard interceptors or wrappers). */
export async function rawClient(address: string, cleanup: Cleanup): Promise<Client> {
  const client = new Client({ connection: await Connection.connect({ address }) });
  cleanup.add(() => client.connection.close());
  return client;
}

export interface LatencyStats {
  count: number;
  p50: number;
  p99: number;
  /** Operations per second of busy time. */
  perSecond: number;
}

/** Latencies (ms) and busy time (s) of one kind of operation, accumulated over rounds. */
export class Sample {
  readonly latencies: number[] = [];
  seconds = 0;

  /** Runs `task` `count` times with `concurrency` in flight, timing each. */
  async run(count: number, concurrency: number, task: () => Promise<void>): Promise<void> {
    let next = 0;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < count) {
          next++;
          const t = performance.now();
          await task();
          this.latencies.push(performance.now() - t);
        }
      }),
    );
    this.seconds += (performance.now() - began) / 1000;
  }

  stats(): LatencyStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return { count: sorted.length, p50: pct(sorted, 50), p99: pct(sorted, 99), perSecond: sorted.length / this.seconds };
  }
}

/**
 * Runs `count` operations per side in `rounds` alternating rounds (the side going first
 * alternates as well), so drifting load on a shared machine hits both alike.
 */
export async function alternating(count: number, concurrency: number, rounds: number, sides: { switchboard: () => Promise<void>; raw: () => Promise<void> }) {
  const switchboard = new Sample();
  const raw = new Sample();
  for (let round = 0; round < rounds; round++) {
    const n = Math.floor(count / rounds) + (round < count % rounds ? 1 : 0);
    // Who goes first alternates too: what one side's round leaves the server to do (visibility
    // writes, timers) lands in the other's as often one way as the other.
    const order = round % 2 === 0 ? [[switchboard, sides.switchboard], [raw, sides.raw]] as const : [[raw, sides.raw], [switchboard, sides.switchboard]] as const;
    for (const [sample, run] of order) await sample.run(n, concurrency, run);
  }
  return { switchboard: switchboard.stats(), raw: raw.stats() };
}

/** One figure of a section, Switchboard against raw Temporal in the same run. */
export interface Figure {
  section: string;
  figure: string;
  unit: string;
  switchboard: number;
  raw: number;
  /** switchboard / raw. */
  ratio: number;
  /** The issue's goal for the ratio, e.g. `≤ 1.05`. */
  goal: string;
  note?: string;
}

export function figure(section: string, name: string, unit: string, switchboard: number, raw: number, goal: string, note?: string): Figure {
  return { section, figure: name, unit, switchboard, raw, ratio: switchboard / raw, goal, ...(note ? { note } : {}) };
}

/** p50 and p99 figures of two latency samples; `goals` per percentile. */
export function latencyFigures(section: string, name: string, s: { switchboard: LatencyStats; raw: LatencyStats }, goals: { p50: string; p99: string }, note?: string): Figure[] {
  return [figure(section, `${name} p50`, 'ms', s.switchboard.p50, s.raw.p50, goals.p50, note), figure(section, `${name} p99`, 'ms', s.switchboard.p99, s.raw.p99, goals.p99)];
}

export const fmtRatio = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined || b === 0 || Number.isNaN(a) ? '—' : `×${(a / b).toFixed(2)}`);

export function figuresTable(figures: Figure[]): string {
  const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2));
  const lines = ['| section | figure | switchboard | raw temporal | ratio | goal | notes |', '|---|---|---|---|---|---|---|'];
  for (const f of figures) lines.push(`| ${f.section} | ${f.figure} (${f.unit}) | ${num(f.switchboard)} | ${num(f.raw)} | ${fmtRatio(f.switchboard, f.raw)} | ${f.goal} | ${f.note ?? ''} |`);
  return lines.join('\n');
}

/** Polls `done` every 200 ms until it holds; throws after `timeoutMs` with `what`. */
export async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
