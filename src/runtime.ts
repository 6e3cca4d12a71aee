/**
 * Process assembly for the CLI commands: `dev` (all-in-one), `api`, `worker` and
 * `migrate`. Each part registers how to stop it; a signal stops them in reverse
 * order within a hard deadline.
 */
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { DEV_TEMPORAL_HOST, DEV_TEMPORAL_PORT, type Config } from './config.ts';
import { assertMigrated } from './db/migration-check.ts';
import { migrate, openOrm } from './db/orm.ts';
import { createLogger, type Logger } from './logger.ts';
import { loadKeyring } from './security/master-key.ts';
import { loadConnectorRegistry } from './connector-host/load.ts';
import { createServices, type Services } from './services.ts';
import { ensureSearchAttributes } from './temporal/admin.ts';
import { createTemporalClient } from './temporal/client.ts';
import { dataConverterFor } from './temporal/codec.ts';
import { checkNamespaceRetention, retentionWarning, type RetentionCheck } from './temporal/retention.ts';
import { installTemporalRuntime } from './temporal/runtime.ts';
import { startMetricsServer } from './metrics/server.ts';
import { reserveLoopbackAddress } from './metrics/temporal-sdk.ts';
import { startWorker } from './temporal/worker.ts';
import { workflowCatalog } from './workflow-packages/load.ts';
import { startTracing, type ProcessRole, type Tracing } from './telemetry/tracing.ts';

/** Ordered shutdown of everything a command started. */
export class Lifecycle {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;
  constructor(private readonly logger: Logger) {}

  add(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, stop } of [...this.stops].reverse()) {
        try {
          await stop();
          this.logger.debug({ part: name }, 'stopped');
        } catch (err) {
          this.logger.warn({ err, part: name }, 'stop failed');
        }
      }
    })();
    return this.stopping;
  }

  /** Stops on SIGINT/SIGTERM; a second signal or the deadline forces exit. */
  handleSignals(deadlineMs = 12_000): void {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      this.logger.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        this.logger.error('shutdown deadline passed; exiting');
        process.exit(1);
      }, deadlineMs);
      timer.unref();
      void this.stop().then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}

export async function buildServices(
  config: Config,
  logger: Logger,
  address: string,
  lifecycle: Lifecycle,
  opts: { migrate: boolean; mode: 'dev' | 'server'; tracing?: Tracing | undefined },
): Promise<Services> {
  const keyring = await loadKeyring(config, { mode: opts.mode, logger });
  const orm = await openOrm(config.database, { migrate: opts.migrate });
  lifecycle.add('database', () => orm.close());
  if (!opts.migrate) await assertMigrated(orm);
  const temporal = createTemporalClient({ ...config.temporal, address }, { dataConverter: dataConverterFor(config, keyring), tracing: opts.tracing });
  lifecycle.add('temporal client', () => temporal.connection.close());
  const connectors = await loadConnectorRegistry(config);
  return createServices({ config, logger, orm, temporal, keyring, connectors, tracing: opts.tracing });
}

export async function listen(services: Services, lifecycle: Lifecycle): Promise<Server> {
  // The HTTP app (Express, the OpenAPI document, the MCP server SDK) is loaded by the processes that serve it: a worker never does.
  const { createApp } = await import('./app.ts');
  const { app } = createApp(services);
  lifecycle.add('inbound rate limits', () => services.inboundRateLimiter.close());
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(services.config.port, services.config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  lifecycle.add('http', async () => {
    server.closeIdleConnections();
    const closed = new Promise<void>((r) => server.close(() => r()));
    const t = setTimeout(() => server.closeAllConnections(), 3_000);
    await closed;
    clearTimeout(t);
  });
  return server;
}

export interface DevOptions {
  /** Start a self-check workflow after start-up and print its result. */
  check?: boolean;
  /** Temporal frontend port of the embedded server. */
  temporalPort?: number;
}

export interface Running {
  services: Services;
  lifecycle: Lifecycle;
  server: Server | undefined;
  address: string;
  uiUrl: string | undefined;
}

/** The unauthenticated `/metrics` listener, when SWITCHBOARD_METRICS_ADDRESS is set. */
async function serveMetrics(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<void> {
  if (!config.metricsAddress) return;
  const { createMetricsApp } = await import('./app.ts');
  const metrics = await startMetricsServer(config.metricsAddress, createMetricsApp(logger), logger);
  lifecycle.add('metrics listener', () => metrics.close());
}

/** Starts tracing when configured; it stops last, after everything that makes spans. */
async function traceProcess(config: Config, role: ProcessRole, logger: Logger, lifecycle: Lifecycle): Promise<Tracing | undefined> {
  const tracing = await startTracing(config, role);
  if (tracing) {
    lifecycle.add('tracing', () => tracing.shutdown());
    logger.info({ service: tracing.serviceName }, 'exporting traces over OTLP');
  }
  return tracing;
}

/** `switchboard dev`: Temporal dev server (unless TEMPORAL_ADDRESS), migrations, worker and API. */
export async function runDev(config: Config, opts: DevOptions = {}): Promise<Running> {
  // A bad workflow package stops the start here, with one line naming it, before anything runs.
  await workflowCatalog(config);
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  installTemporalRuntime(logger, config.metricsAddress ? await reserveLoopbackAddress() : undefined);
  const lifecycle = new Lifecycle(logger);
  const tracing = await traceProcess(config, 'dev', logger, lifecycle);
  try {
    await serveMetrics(config, logger, lifecycle);
    await mkdir(config.dataDir, { recursive: true });
    let address = config.temporal.address;
    let uiUrl: string | undefined;
    if (!address) {
      const { startDevServer } = await import('./temporal/dev-server.ts');
      const server = await startDevServer({
        dataDir: config.dataDir,
        ip: DEV_TEMPORAL_HOST,
        port: opts.temporalPort ?? DEV_TEMPORAL_PORT,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        cliPath: config.temporal.cliPath,
        sqliteSynchronous: config.temporal.sqliteSynchronous,
        searchPath: config.searchPath,
        ...(config.payloadEncryption ? { uiCodecEndpoint: `${config.publicUrl}/codec` } : {}),
        log: (line) => logger.info(line),
      });
      lifecycle.add('temporal dev server', () => server.stop());
      address = server.address;
      uiUrl = server.uiUrl;
    }
    const services = await buildServices(config, logger, address, lifecycle, { migrate: true, mode: 'dev', tracing });
    services.temporalUiUrl = uiUrl;
    if (config.temporal.address) await registerSearchAttributes(services);
    // The embedded namespace is ours: its retention is the dedupe window. A cluster's is only checked.
    await applyRetention(services, { set: !config.temporal.address });
    const worker = await startWorker({ ...services, address });
    lifecycle.add('worker', () => worker.shutdown());
    const server = await listen(services, lifecycle);
    return { services, lifecycle, server, address, uiUrl };
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}

/**
 * Starts a process against an external Temporal (`api`, `worker`): tracing, metrics,
 * services, then `start`; stops whatever started when a step fails.
 */
async function runServer(
  config: Config,
  logger: Logger,
  role: 'api' | 'worker',
  start: (services: Services, lifecycle: Lifecycle, address: string) => Promise<Server | undefined>,
): Promise<Running> {
  const lifecycle = new Lifecycle(logger);
  const address = requireAddress(config);
  // The API lists and starts the packages' workflows, the worker runs them: both refuse a bad one at start.
  await workflowCatalog(config);
  const tracing = await traceProcess(config, role, logger, lifecycle);
  try {
    await serveMetrics(config, logger, lifecycle);
    const services = await buildServices(config, logger, address, lifecycle, { migrate: false, mode: 'server', tracing });
    const server = await start(services, lifecycle, address);
    return { services, lifecycle, server, address, uiUrl: undefined };
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}

/** `switchboard api`: the HTTP API only, against an external Temporal. */
export async function runApi(config: Config): Promise<Running> {
  const logger = createLogger({ level: config.logLevel, name: 'switchboard-api' });
  return runServer(config, logger, 'api', (services, lifecycle) => listen(services, lifecycle));
}

/** `switchboard worker`: the worker only, against an external Temporal. */
export async function runWorker(config: Config): Promise<Running> {
  const logger = createLogger({ level: config.logLevel, name: 'switchboard-worker' });
  installTemporalRuntime(logger, config.metricsAddress ? await reserveLoopbackAddress() : undefined);
  return runServer(config, logger, 'worker', async (services, lifecycle, address) => {
    const worker = await startWorker({ ...services, address });
    lifecycle.add('worker', () => worker.shutdown());
    return undefined;
  });
}

/** `switchboard migrate`: database migrations, plus search attributes when Temporal is configured. */
export async function runMigrate(
  config: Config,
  opts: { setRetention?: boolean } = {},
): Promise<{ applied: string[]; searchAttributes: string[]; retention?: RetentionCheck }> {
  const orm = await openOrm(config.database);
  try {
    const applied = await migrate(orm);
    let searchAttributes: string[] = [];
    let retention: RetentionCheck | undefined;
    if (config.temporal.address) {
      const temporal = createTemporalClient({ ...config.temporal, address: config.temporal.address });
      try {
        searchAttributes = await ensureSearchAttributes(temporal.connection, config.temporal.namespace);
        retention = await checkNamespaceRetention(temporal.connection, config.temporal.namespace, config.temporal.dedupeWindowDays, { set: opts.setRetention ?? false });
      } finally {
        await temporal.connection.close();
      }
    }
    return { applied, searchAttributes, ...(retention ? { retention } : {}) };
  } finally {
    await orm.close();
  }
}

async function registerSearchAttributes(services: Services): Promise<void> {
  try {
    const added = await ensureSearchAttributes(services.temporal.connection, services.temporal.namespace);
    if (added.length) services.logger.info({ added }, 'registered search attributes');
  } catch (err) {
    services.logger.warn({ err }, 'could not register search attributes; see docs/concepts/events-and-runs.md for the list');
  }
}

/** Sets (embedded server) or checks (cluster) the namespace retention against the dedupe window. */
async function applyRetention(services: Services, opts: { set: boolean }): Promise<void> {
  const { connection, namespace } = services.temporal;
  try {
    const check = await checkNamespaceRetention(connection, namespace, services.config.temporal.dedupeWindowDays, opts);
    if (check.updated) services.logger.info({ namespace, retentionDays: check.retentionDays }, 'set namespace retention to the dedupe window');
    else if (!check.ok) services.logger.warn(retentionWarning(check));
  } catch (err) {
    services.logger.warn({ err: (err as Error).message }, 'could not check the namespace retention (the dedupe window)');
  }
}

function requireAddress(config: Config): string {
  if (!config.temporal.address) {
    throw new Error('TEMPORAL_ADDRESS is required for this command (use `switchboard dev` for the embedded server)');
  }
  return config.temporal.address;
}
