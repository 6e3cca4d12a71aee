/**
 * `npm run bench:webhooks [-- --count 1000 --concurrency 32]`
 *
 * Verified webhook intake against the floor it sits on: the same number of event
 * workflow starts, (a) as raw `client.workflow.start` calls and (b) as signed GitHub
 * deliveries over HTTP through the full endpoint (raw body, HMAC verification,
 * connection cache, idempotent start). Both run in this process against a private
 * in-memory Temporal dev server on free ports; no worker runs, so only intake is
 * measured. Reports starts/s, p50/p99 latency and the ratios.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signGithubPayload } from '../connectors/sdk/index.ts';
import { createApp } from '../src/app.ts';
import { loadConfig, withConfig } from '../src/config.ts';
import { sealSecrets } from '../src/connections/store.ts';
import { loadConnectorRegistry } from '../src/connectors/load.ts';
import { Connection } from '../src/db/entities/index.ts';
import { openOrm } from '../src/db/orm.ts';
import { createLogger } from '../src/logger.ts';
import { keyringFromText } from '../src/security/master-key.ts';
import { createServices, type Services } from '../src/services.ts';
import { createTemporalClient } from '../src/temporal/client.ts';
import { eventWorkflowId, WORKFLOW_TYPES } from '../src/temporal/constants.ts';
import { startDevServer } from '../src/temporal/dev-server.ts';
import type { NormalizedEvent } from '../connectors/sdk/events.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '32' } } });
const COUNT = Math.min(Math.max(Number(values.count), 10), 20_000);
const CONCURRENCY = Math.min(Math.max(Number(values.concurrency), 1), 256);
const WARMUP = Math.min(100, COUNT);

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

interface Result {
  name: string;
  startsPerSecond: number;
  p50: number;
  p99: number;
}

/** Latencies (ms) and busy time (s) of one kind of start, accumulated over rounds. */
class Sample {
  readonly latencies: number[] = [];
  seconds = 0;
  constructor(readonly name: string) {}

  /** Runs `task` `count` times with CONCURRENCY in flight. */
  async run(count: number, task: () => Promise<void>): Promise<void> {
    let next = 0;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
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

  result(): Result {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    return { name: this.name, startsPerSecond: sorted.length / this.seconds, p50: pct(50), p99: pct(99) };
  }
}

async function main(): Promise<void> {
  const base = loadConfig(process.env);
  const dir = await mkdtemp(join(tmpdir(), 'sb-bench-'));
  const port = await freePort();
  const temporalServer = await startDevServer({ dataDir: dir, dbFile: null, ui: false, port, namespace: 'default', cliPath: base.temporal.cliPath, searchPath: base.searchPath });
  const config = withConfig(base, { database: { kind: 'sqlite', path: join(dir, 'bench.sqlite') }, temporal: { address: temporalServer.address, taskQueue: 'bench' }, logLevel: 'silent' });
  const orm = await openOrm(config.database, { migrate: true });
  const temporal = createTemporalClient({ ...config.temporal, address: temporalServer.address });
  const keyring = keyringFromText(randomBytes(32).toString('base64'));
  const services: Services = createServices({ config, logger: createLogger({ level: 'silent' }), orm, temporal, keyring, connectors: await loadConnectorRegistry(config) });
  const { app } = createApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  services.config = withConfig(config, { publicUrl: baseUrl });

  try {
    const em = orm.em.fork();
    const connectionId = `conn_bench${randomBytes(4).toString('hex')}`;
    em.create(Connection, { id: connectionId, connector: 'github', name: 'bench', config: {}, ...sealSecrets(keyring, connectionId, { webhookSecret: 'bench-secret' }) });
    await em.flush();
    const body = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'benchmark', body: 'x'.repeat(1500) }, repository: { full_name: 'acme/bench' } });
    const payload = JSON.parse(body) as unknown;
    const signature = signGithubPayload(body, 'bench-secret');

    const raw = async (): Promise<void> => {
      const id = randomUUID();
      const event: NormalizedEvent = { type: 'github.issues.opened', id, source: { connector: 'github', connectionId }, payload, receivedAt: new Date().toISOString() };
      await temporal.client.workflow.start(WORKFLOW_TYPES.event, { taskQueue: 'bench', workflowId: eventWorkflowId('github', connectionId, id), args: [event] });
    };
    const webhook = async (): Promise<void> => {
      const res = await fetch(`${baseUrl}/webhooks/github/${connectionId}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`unexpected status ${res.status}`);
    };

    process.stderr.write(`warming up (${WARMUP} of each)…\n`);
    await new Sample('warmup').run(WARMUP, raw);
    await new Sample('warmup').run(WARMUP, webhook);
    // Alternating rounds, so drifting load on a shared machine hits both sides alike.
    const ROUNDS = 4;
    process.stderr.write(`measuring ${COUNT} starts each at concurrency ${CONCURRENCY} in ${ROUNDS} alternating rounds…\n`);
    const rawSample = new Sample('raw client.workflow.start');
    const webhookSample = new Sample('verified webhook (HTTP)');
    for (let round = 0; round < ROUNDS; round++) {
      const n = Math.ceil(COUNT / ROUNDS);
      await rawSample.run(n, raw);
      await webhookSample.run(n, webhook);
    }
    const rawResult = rawSample.result();
    const webhookResult = webhookSample.result();

    const fmt = (r: Result) => `${r.name.padEnd(28)} ${r.startsPerSecond.toFixed(0).padStart(8)} starts/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms`;
    console.log(fmt(rawResult));
    console.log(fmt(webhookResult));
    const ratios = {
      throughput: webhookResult.startsPerSecond / rawResult.startsPerSecond,
      p50: webhookResult.p50 / rawResult.p50,
      p99: webhookResult.p99 / rawResult.p99,
    };
    console.log(`webhook / raw: throughput ×${ratios.throughput.toFixed(2)}, p50 ×${ratios.p50.toFixed(2)}, p99 ×${ratios.p99.toFixed(2)}`);
    console.log(JSON.stringify({ count: COUNT, concurrency: CONCURRENCY, raw: rawResult, webhook: webhookResult, ratios }));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await temporal.connection.close();
    await orm.close();
    await temporalServer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
