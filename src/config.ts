/**
 * The one place that reads `process.env`. Everything else receives a parsed
 * {@link Config}. Parsing is strict: a bad value stops start-up with one line that
 * names the variable.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Where `switchboard dev` runs its embedded Temporal frontend when TEMPORAL_ADDRESS is
 * unset (`dev --temporal-port` moves the port).
 */
export const DEV_TEMPORAL_HOST = '127.0.0.1';
export const DEV_TEMPORAL_PORT = 7233;

/** `host:port` of the embedded dev server on `port`. */
export function devTemporalAddress(port: number = DEV_TEMPORAL_PORT): string {
  return `${DEV_TEMPORAL_HOST}:${port}`;
}

/** Environment variables Switchboard understands, with their defaults. */
/** Days a redelivery is recognised (the namespace retention) unless SWITCHBOARD_DEDUPE_WINDOW_DAYS says otherwise. */
export const DEFAULT_DEDUPE_WINDOW_DAYS = 7;

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('.switchboard'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must be postgres://…, sqlite:<path> or file:<path>')
      .optional(),
  ),
  TEMPORAL_ADDRESS: optionalString.pipe(
    z.string().regex(/^[^\s:/]+:\d+$/, 'must be host:port').optional(),
  ),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('switchboard'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_SQLITE_SYNCHRONOUS: z.enum(['normal', 'full'], { error: 'must be normal or full' }).default('normal'),
  TEMPORAL_TEST_SERVER_PATH: optionalString,
  SWITCHBOARD_WORKER_DEPLOYMENT: optionalString,
  SWITCHBOARD_MAX_CACHED_WORKFLOWS: optionalString.pipe(z.string().regex(/^\d{1,7}$/, 'must be a whole number of runs').transform(Number).optional()),
  SWITCHBOARD_API_KEY: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  SWITCHBOARD_API_KEY_PRINCIPAL: z.string().trim().min(1).max(200).default('bootstrap'),
  SWITCHBOARD_MASTER_KEY: optionalString,
  SWITCHBOARD_SSRF_ALLOW: csv,
  SWITCHBOARD_METRICS_ADDRESS: optionalString.pipe(z.string().regex(/^[^\s/]+:\d+$/, 'must be host:port').optional()),
  SWITCHBOARD_PUBLIC_URL: optionalString.pipe(z.url('must be an absolute URL').optional()),
  SWITCHBOARD_URL: optionalString.pipe(z.url('must be an absolute URL').optional()),
  SWITCHBOARD_CONNECTOR_PACKAGES: csv,
  SWITCHBOARD_WORKFLOW_PACKAGES: csv,
  SWITCHBOARD_MCP_STDIO_COMMANDS: csv,
  SWITCHBOARD_DEDUPE_WINDOW_DAYS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 (day)')
    .max(3650, 'must be at most 3650 (days)')
    .default(DEFAULT_DEDUPE_WINDOW_DAYS),
  SWITCHBOARD_PAYLOAD_ENCRYPTION: z
    .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  OTEL_SERVICE_NAME: optionalString,
  SWITCHBOARD_API_RATE_LIMIT: z
    .string()
    .trim()
    .default('off')
    .pipe(z.union([z.literal('off'), z.string().regex(/^[1-9][0-9]{0,6}\/[1-9][0-9]{0,4}[smh]$/, 'must be off or <requests>/<period>, e.g. 600/1m')])),
  SWITCHBOARD_REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must be redis://… or rediss://…').optional()),
  LOG_LEVEL: logLevel.default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Parsed, derived configuration used by every part of the process. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgresql'; readonly url: string };
  readonly temporal: {
    /** `undefined` means: start the embedded dev server (only `switchboard dev` does). */
    readonly address: string | undefined;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly uiPort: number;
    readonly cliPath: string | undefined;
    /** `synchronous` pragma of the embedded dev server's SQLite file (WAL journal). */
    readonly sqliteSynchronous: 'normal' | 'full';
    readonly testServerPath: string | undefined;
    /**
     * Days a closed run keeps deduplicating its webhook delivery or Idempotency-Key: the
     * retention `switchboard dev` gives its namespace and `migrate` checks on a cluster.
     */
    readonly dedupeWindowDays: number;
    /**
     * Runs a worker keeps in its workflow cache (`SWITCHBOARD_MAX_CACHED_WORKFLOWS`); undefined:
     * the SDK's default, from the heap limit. An evicted run is replayed on its next task.
     */
    readonly maxCachedWorkflows?: number | undefined;
    /** Worker Deployment name: set → workers run versioned (build id from the build), see temporal/deployment.ts. */
    readonly deploymentName?: string | undefined;
  };
  readonly apiKey: string | undefined;
  /** Principal of the bootstrap key (an `admin`). */
  readonly apiKeyPrincipal: string;
  readonly masterKey: string | undefined;
  readonly ssrfAllow: readonly string[];
  /** host:port of an unauthenticated `/metrics` listener (API and worker), with the Temporal SDK's metrics on workers. */
  readonly metricsAddress: string | undefined;
  readonly publicUrl: string;
  /** The API the CLI's client commands (`runs`, `approvals`, …) talk to: SWITCHBOARD_URL, else `publicUrl` (the local dev API). */
  readonly apiUrl: string;
  readonly connectorPackages: readonly string[];
  /** npm packages (or package folders) with code-first workflows the worker bundles with its own (src/workflow-packages). */
  readonly workflowPackages: readonly string[];
  /** Executables that stdio MCP server registrations may run (empty: stdio disabled). */
  readonly mcpStdioCommands: readonly string[];
  /** Encrypt Temporal payloads with the master key (UI decodes through /codec). */
  readonly payloadEncryption: boolean;
  /** OpenTelemetry tracing (src/telemetry/tracing.ts): off unless an OTLP endpoint is set. */
  readonly tracing: {
    /** Base URL of an OTLP/HTTP receiver; spans go to `<endpoint>/v1/traces`. */
    readonly otlpEndpoint: string | undefined;
    /** `OTEL_SERVICE_NAME`; unset → `switchboard-api`, `switchboard-worker` or `switchboard` (dev). */
    readonly serviceName: string | undefined;
  };
  /** Requests per API key and period (`SWITCHBOARD_API_RATE_LIMIT`); undefined: unlimited. */
  readonly apiRateLimit?: { readonly requests: number; readonly per: string } | undefined;
  /** Redis shared by API processes for inbound rate limits; undefined: each process counts alone. */
  readonly redisUrl?: string | undefined;
  readonly logLevel: z.infer<typeof logLevel>;
  /** The PATH searched for the Temporal CLI. */
  readonly searchPath: string | undefined;
}

/**
 * Parses the environment into a {@link Config}.
 *
 * @example
 * const config = loadConfig({ PORT: '8080' });
 * config.port // 8080
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = env[variable];
    const shown = value === undefined || /KEY|SECRET|PASSWORD|URL/.test(variable) ? '' : ` (got "${value}")`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.SWITCHBOARD_DATA_DIR);
  const db = e.DATABASE_URL;
  const database: Config['database'] =
    db === undefined
      ? { kind: 'sqlite', path: resolve(dataDir, 'switchboard.sqlite') }
      : db.startsWith('postgres')
        ? { kind: 'postgresql', url: db }
        : { kind: 'sqlite', path: db === 'sqlite::memory:' ? ':memory:' : resolve(db.replace(/^(sqlite|file):/, '')) };
  const publicUrl = (e.SWITCHBOARD_PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      sqliteSynchronous: e.TEMPORAL_SQLITE_SYNCHRONOUS,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH,
      dedupeWindowDays: e.SWITCHBOARD_DEDUPE_WINDOW_DAYS,
      deploymentName: e.SWITCHBOARD_WORKER_DEPLOYMENT,
      maxCachedWorkflows: e.SWITCHBOARD_MAX_CACHED_WORKFLOWS,
    },
    apiKey: e.SWITCHBOARD_API_KEY,
    apiKeyPrincipal: e.SWITCHBOARD_API_KEY_PRINCIPAL,
    masterKey: e.SWITCHBOARD_MASTER_KEY,
    ssrfAllow: e.SWITCHBOARD_SSRF_ALLOW,
    metricsAddress: e.SWITCHBOARD_METRICS_ADDRESS,
    publicUrl,
    apiUrl: (e.SWITCHBOARD_URL ?? publicUrl).replace(/\/$/, ''),
    connectorPackages: e.SWITCHBOARD_CONNECTOR_PACKAGES,
    workflowPackages: e.SWITCHBOARD_WORKFLOW_PACKAGES,
    mcpStdioCommands: e.SWITCHBOARD_MCP_STDIO_COMMANDS,
    payloadEncryption: e.SWITCHBOARD_PAYLOAD_ENCRYPTION,
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    apiRateLimit: e.SWITCHBOARD_API_RATE_LIMIT === 'off' ? undefined : { requests: Number(e.SWITCHBOARD_API_RATE_LIMIT.split('/')[0]), per: e.SWITCHBOARD_API_RATE_LIMIT.split('/')[1]! },
    redisUrl: e.SWITCHBOARD_REDIS_URL,
    logLevel: e.LOG_LEVEL,
    searchPath: env['PATH'],
  };
}

/** Returns a copy of `config` with some fields replaced (tests and the dev launcher use it). */
export function withConfig(config: Config, patch: Partial<Omit<Config, 'temporal'>> & { temporal?: Partial<Config['temporal']> }): Config {
  return { ...config, ...patch, temporal: { ...config.temporal, ...patch.temporal } };
}
