/**
 * Running one connector action against a stored connection, outside any Temporal
 * specifics: load and decrypt, validate config/secrets/input, build the
 * {@link ActionContext}, run, validate the output. The activity wraps it and turns
 * errors into `ApplicationFailure`s; the connection test endpoint reuses the parts.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { ZodError, ZodType } from 'zod';
import type { ConnectorRegistry } from '../../connectors/registry.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { notTested, type ConnectionTestResult } from '../../connectors/sdk/connection-test.ts';
import type { ActionContext, ConnectorDefinition, ConnectorLogger, HttpClient, SafeFetch } from '../../connectors/sdk/types.ts';
import type { SafeResolver } from '../security/ssrf.ts';
import type { Outbound } from '../security/outbound.ts';
import { loadConnection, type LoadedConnection } from '../connections/store.ts';
import type { ConnectionCache } from '../connections/cache.ts';
import type { Keyring } from '../security/crypto.ts';
import { redactingLogger, Redactor, secretValuesOf } from '../security/redact.ts';
import { actionDefinitionOf, isBuiltinTestConnection } from './builtin-actions.ts';
import { createHttpClient } from './http-client.ts';
import { OutputInvalidError } from '../errors.ts';

/** `path: message; …` of a zod error, never the offending values. */
export function describeIssues(err: ZodError, root?: string): string {
  return err.issues.map((i) => `${[root, ...i.path].filter((p) => p !== undefined).join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseWith<T>(schema: ZodType<T>, value: unknown, code: 'INVALID_INPUT' | 'CONFIG_INVALID', what: string, root?: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ConnectorError(code, `invalid ${what}: ${describeIssues(r.error, root)}`, {
    details: r.error.issues.map((i) => ({ path: [root, ...i.path].filter((p) => p !== undefined).join('.'), message: i.message })),
  });
}

export interface PreparedConnection {
  connection: LoadedConnection;
  connector: ConnectorDefinition;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  redactor: Redactor;
}

/**
 * Loads (through `cache` when given), decrypts and validates a connection (`byName`:
 * `connectionId` may be its name). Throws DecryptionError or ConnectorError.
 */
export async function prepareConnection(
  em: EntityManager | (() => EntityManager),
  keyring: Keyring,
  registry: ConnectorRegistry,
  connectionId: string,
  opts: { action?: string; byName?: boolean; cache?: ConnectionCache | undefined } = {},
): Promise<PreparedConnection> {
  const byName = opts.byName ?? false;
  const connection = opts.cache
    ? await (byName ? opts.cache.getByRef(connectionId) : opts.cache.get(connectionId))
    : await loadConnection(typeof em === 'function' ? em() : em, keyring, connectionId, { byName });
  if (!connection) throw new ConnectorError('NOT_FOUND', `connection ${connectionId} does not exist`);
  const redactor = new Redactor(secretValuesOf(connection.secrets));
  const connector = registry.get(connection.connector);
  if (!connector) throw new ConnectorError('CONFIG_INVALID', `connector "${connection.connector}" of connection ${connectionId} is not installed`);
  // An unknown action is the caller's mistake whatever state the connection is in.
  if (opts.action !== undefined) actionOf(connector, opts.action);
  // The limits are Switchboard's, not the connector's: its schema never sees them.
  const { rateLimit: _rateLimit, inboundRateLimit: _inbound, ...own } = connection.config;
  const config = parseWith(connector.config, own, 'CONFIG_INVALID', 'connection config', 'config') as Record<string, unknown>;
  const secrets = parseWith(connector.secrets, connection.secrets, 'CONFIG_INVALID', 'connection secrets', 'secrets') as Record<string, unknown>;
  return { connection, connector, config, secrets, redactor };
}

function actionOf(connector: ConnectorDefinition, action: string) {
  const def = actionDefinitionOf(connector, action);
  if (!def) {
    const known = Object.keys(connector.actions);
    throw new ConnectorError('INVALID_INPUT', `connector "${connector.key}" has no action "${action}" (actions: ${known.length ? known.join(', ') : 'none'})`);
  }
  return def;
}

export interface ActionRunOptions {
  fetch: SafeFetch;
  resolveHost: SafeResolver;
  logger: ConnectorLogger;
  idempotencyKey: string;
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
}

export function buildHttp(prepared: Pick<PreparedConnection, 'redactor'>, fetch: SafeFetch, resolveHost: SafeResolver, signal: AbortSignal): HttpClient {
  return createHttpClient({ fetch, resolveHost, signal, redactor: prepared.redactor });
}

export interface ConnectionTestOptions {
  fetch: SafeFetch;
  resolveHost: SafeResolver;
  /** Wrapped in the redactor before the connector sees it. */
  logger: ConnectorLogger;
  signal: AbortSignal;
}

const CONNECTION_TEST_TIMEOUT_MS = 15_000;

/** Options of a connection test as the API runs it: the process's SSRF-safe outbound client, bounded to 15 s. */
export function connectionTestOptions(outbound: Outbound, logger: ConnectorLogger): ConnectionTestOptions {
  return {
    fetch: (input, init = {}) => outbound.fetch(input, { ...init, timeoutMs: init.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS }),
    resolveHost: outbound.resolveHost,
    logger,
    signal: AbortSignal.timeout(CONNECTION_TEST_TIMEOUT_MS),
  };
}

/**
 * Runs a connector's `test` on validated config and secrets (stored or not yet
 * saved). Never throws for a failed test: errors become `{ ok: false }` with the
 * error code, and the message is scrubbed of every secret value. A connector without
 * a test answers `ok: null`: nothing was called. The API (`POST /connections/test`,
 * `/connections/:id/test`) and the `test_connection` step both answer this.
 */
export async function runConnectionTest(
  connector: ConnectorDefinition,
  prepared: Pick<PreparedConnection, 'config' | 'secrets' | 'redactor'>,
  opts: ConnectionTestOptions,
): Promise<ConnectionTestResult> {
  const test = connector.test;
  if (!test) return notTested(`connector "${connector.key}" has no connection test; config and secrets are valid but nothing was called`);
  try {
    const result = await test({
      config: prepared.config,
      secrets: prepared.secrets,
      http: buildHttp(prepared, opts.fetch, opts.resolveHost, opts.signal),
      logger: redactingLogger(opts.logger, prepared.redactor),
      signal: opts.signal,
    });
    return { ok: result.ok === null ? null : result.ok === true, message: prepared.redactor.scrub(String(result.message)) };
  } catch (err) {
    const code = err instanceof ConnectorError ? `${err.code}: ` : '';
    return { ok: false, message: prepared.redactor.scrub(`${code}${(err as Error)?.message ?? String(err)}`) };
  }
}

/** The prepared connection with an OAuth access token in place of the stored one (and redacted like it). */
export function withAccessTokenOf(prepared: PreparedConnection, accessToken: string): PreparedConnection {
  if (prepared.secrets['accessToken'] === accessToken) return prepared;
  const secrets = { ...prepared.secrets, accessToken };
  return { ...prepared, secrets, redactor: new Redactor(secretValuesOf({ ...prepared.connection.secrets, accessToken })) };
}

/** Validates the input, runs the action, validates its output. */
export async function runPreparedAction(prepared: PreparedConnection, action: string, input: unknown, opts: ActionRunOptions): Promise<unknown> {
  const { connector, connection, redactor } = prepared;
  const def = actionOf(connector, action);
  const parsedInput = parseWith(def.input, input, 'INVALID_INPUT', `input of ${connector.key}.${action}`, 'input');
  if (isBuiltinTestConnection(connector, action)) {
    return runConnectionTest(connector, prepared, { fetch: opts.fetch, resolveHost: opts.resolveHost, logger: opts.logger, signal: opts.signal });
  }
  const ctx: ActionContext = {
    connectionId: connection.id,
    config: prepared.config,
    secrets: prepared.secrets,
    http: buildHttp(prepared, opts.fetch, opts.resolveHost, opts.signal),
    logger: redactingLogger(opts.logger, redactor),
    idempotencyKey: opts.idempotencyKey,
    heartbeat: opts.heartbeat,
    signal: opts.signal,
  };
  const output = await def.run(ctx, parsedInput);
  const checked = def.output.safeParse(output);
  if (!checked.success) {
    // The provider answered something the action cannot vouch for: a retry would not change it.
    throw new OutputInvalidError(`output of ${connector.key}.${action} does not match its schema: ${describeIssues(checked.error, 'output')}`);
  }
  // A provider that echoes the request (a bearer token, a Basic pair) must not put the
  // credentials into the step output, the API answer or the workflow history.
  return redactor.scrubValues(checked.data);
}
