/**
 * A real Switchboard stack for integration and e2e tests: the shared dev server,
 * a fresh database, a worker on its own task queue and the API on an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig, withConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { nanoid } from '../../src/security/random.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { loadConnectorRegistry } from '../../src/connector-host/load.ts';
import { createServices, type Services } from '../../src/services.ts';
import { createTemporalClient } from '../../src/temporal/client.ts';
import { dataConverterFor } from '../../src/temporal/codec.ts';
import { startWorker, type WorkerHandle } from '../../src/temporal/worker.ts';
import type { Tracing } from '../../src/telemetry/tracing.ts';
import { createTestOrm, reuseTestOrm, type Dialect, type TestDatabase } from './db.ts';

export const TEST_API_KEY = 'test-bootstrap-key-0123456789';
/** A fixed 32-byte test master key (base64). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestStack {
  config: Config;
  services: Services;
  baseUrl: string;
  db: TestDatabase;
  worker: WorkerHandle | undefined;
  /** fetch against the API with the bootstrap key. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  dialect?: Dialect;
  env?: Record<string, string>;
  worker?: boolean;
  /** Master key text (default TEST_MASTER_KEY). */
  masterKey?: string;
  /** Reuse this database (a "restart"); it is not dropped when the stack closes. */
  database?: TestDatabase;
  /** Keep the fresh database when the stack closes (to restart on it). */
  keepDatabase?: boolean;
  /** Collects every log line (JSON text) of API and worker. */
  logSink?: string[];
  /** Started tracing (src/telemetry/tracing.ts) for the API, its Temporal client and the worker. */
  tracing?: Tracing;
}

export async function startTestStack(opts: StackOptions = {}): Promise<TestStack> {
  const dialect = opts.dialect ?? 'sqlite';
  const { orm, db, close: closeOrm } = opts.database
    ? await reuseTestOrm(opts.database)
    : await createTestOrm(dialect, { keep: opts.keepDatabase ?? false });
  const address = inject('temporalAddress');
  const base = loadConfig({ PATH: process.env['PATH'], LOG_LEVEL: 'error', SWITCHBOARD_API_KEY: TEST_API_KEY, ...opts.env });
  let config = withConfig(base, {
    database: db.database,
    temporal: { address, taskQueue: `test-${nanoid(6)}` },
  });
  const sink = opts.logSink;
  const logger = sink
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void sink.push(line) } })
    : createLogger({ level: config.logLevel });
  const keyring = keyringFromText(opts.masterKey ?? TEST_MASTER_KEY);
  const temporal = createTemporalClient({ ...config.temporal, address }, { dataConverter: dataConverterFor(config, keyring), tracing: opts.tracing });
  const connectors = await loadConnectorRegistry(config);
  const services: Services = createServices({ config, logger, orm, temporal, keyring, connectors, tracing: opts.tracing });
  const { app } = createApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config = withConfig(config, { publicUrl: baseUrl });
  services.config = config;

  const stack: TestStack = {
    config,
    services,
    baseUrl,
    db,
    worker: undefined,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_API_KEY}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(baseUrl + path, { ...init, headers, body: body ?? null });
    },
    async startWorker() {
      stack.worker = await startWorker({ ...services, config, address });
    },
    async stopWorker() {
      await stack.worker?.shutdown();
      stack.worker = undefined;
    },
    async close() {
      await stack.stopWorker();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await temporal.connection.close();
      await closeOrm();
    },
  };
  if (opts.worker ?? true) await stack.startWorker();
  return stack;
}
