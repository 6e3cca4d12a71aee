/**
 * Connections: create/read/update/delete with secrets sealed at rest, the
 * connection test, and running one action as a one-step workflow. Views list which
 * secret fields are set, never their values.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { ConnectorError, HTTP_STATUS_OF_CODE, type ErrorCode } from '../../connectors/sdk/errors.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/types.ts';
import type { ConnectionTestResult } from '../../connectors/sdk/connection-test.ts';
import { CONNECTION_ID_PREFIX, openSecrets, sealSecrets } from './store.ts';
import { connectionTestOptions, describeIssues, prepareConnection, runConnectionTest, withAccessTokenOf, type ConnectionTestOptions } from '../connector-host/run-action.ts';
import { freshAccessToken } from './oauth/tokens.ts';
import { actionDefinitionOf } from '../connector-host/builtin-actions.ts';
import { Connection } from '../db/entities/index.ts';
import { ApiError, notFound } from '../errors.ts';
import { assertMasterKeyFits } from '../security/master-key-guard.ts';
import { nanoid } from '../security/random.ts';
import { Redactor, secretValuesOf } from '../security/redact.ts';
import type { Services } from '../services.ts';
import { WORKFLOW_ID_PREFIX, WORKFLOW_TYPES } from '../temporal/constants.ts';
import { requestHash } from '../temporal/request-fingerprint.ts';
import { z, type ZodType } from 'zod';
import { rateLimitSchema } from '../../connectors/sdk/rate-limit.ts';
import { DecryptionError } from '../errors.ts';
import type { ConnectionView } from './view.ts';

export type { ConnectionView };

export function toView(row: Connection): ConnectionView {
  return {
    id: row.id,
    connector: row.connector,
    name: row.name,
    config: row.config,
    secretFields: row.secretFields,
    status: row.status,
    ...(row.statusReason ? { statusReason: row.statusReason } : {}),
    ...(row.tokenExpiresAt ? { tokenExpiresAt: row.tokenExpiresAt.toISOString() } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The API answer to secrets that cannot be decrypted: a server configuration problem
 * (503, naming the key), and nothing is overwritten.
 */
export function decryptionFailed(err: DecryptionError): ApiError {
  return new ApiError(
    503,
    'DECRYPTION_FAILED',
    `${err.message}. Check SWITCHBOARD_MASTER_KEY: the stored secrets are left untouched.`,
  );
}

function validate<T>(schema: ZodType<T>, value: unknown, root: 'config' | 'secrets' | 'input'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ApiError(
    400,
    'INVALID_INPUT',
    `Invalid ${root}: ${describeIssues(r.error, root)}`,
    r.error.issues.map((i) => ({ path: [root, ...i.path].join('.'), message: i.message })),
  );
}

/** `rateLimit` and `inboundRateLimit`: validated here, kept beside the connector's own config. */
const limitsSchema = z.object({ rateLimit: rateLimitSchema.nullish(), inboundRateLimit: rateLimitSchema.nullish() });

/** The connector's config plus the limits; a limit set to `null` is removed (also the OAuth flow's, before consent). */
export function validateConfig(def: ConnectorDefinition, config: Record<string, unknown>): Record<string, unknown> {
  const { rateLimit, inboundRateLimit, ...own } = config;
  const parsed = validate(def.config, own, 'config') as Record<string, unknown>;
  const limits = validate(limitsSchema, { rateLimit, inboundRateLimit }, 'config');
  return { ...parsed, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined && v !== null)) };
}

function connectorOf(services: Services, key: string): ConnectorDefinition {
  const def = services.connectors.get(key);
  if (!def) throw new ApiError(400, 'INVALID_INPUT', `Unknown connector "${key}"`, [{ path: 'body.connector', message: 'unknown connector' }]);
  return def;
}

function withoutEmpty(secrets: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined && v !== null));
}

export async function createConnection(
  services: Services,
  em: EntityManager,
  body: { connector: string; name: string; config?: Record<string, unknown>; secrets?: Record<string, unknown> },
): Promise<ConnectionView> {
  const def = connectorOf(services, body.connector);
  const config = validateConfig(def, body.config ?? {});
  const secrets = validate(def.secrets, body.secrets ?? {}, 'secrets') as Record<string, unknown>;
  await assertMasterKeyFits(services, em);
  const id = `${CONNECTION_ID_PREFIX}${nanoid(12)}`;
  const sealed = sealSecrets(services.keyring, id, withoutEmpty(secrets));
  const row = em.create(Connection, { id, connector: def.key, name: body.name, config, ...sealed });
  await em.flush();
  // A step naming this name by ref may have meant another connection (or none) until now.
  services.connectionCache.invalidate(row.id);
  services.connectionRateLimits.invalidate();
  return toView(row);
}

export async function findConnection(em: EntityManager, id: string): Promise<Connection> {
  const connection = await em.findOne(Connection, { id });
  if (!connection) throw notFound(`Connection ${id}`);
  return connection;
}

/**
 * Patches name, config (merged shallowly) and secrets (merged; `null` removes a field).
 * Secrets are decrypted only when the patch touches them; a wrong master key fails
 * with DECRYPTION_FAILED before anything is written.
 */
export async function updateConnection(
  services: Services,
  em: EntityManager,
  id: string,
  patch: { name?: string | undefined; config?: Record<string, unknown> | undefined; secrets?: Record<string, unknown> | undefined },
): Promise<ConnectionView> {
  const row = await findConnection(em, id);
  const def = connectorOf(services, row.connector);
  await assertMasterKeyFits(services, em);
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.config !== undefined) row.config = validateConfig(def, { ...row.config, ...patch.config });
  if (patch.secrets !== undefined) {
    let current: Record<string, unknown>;
    try {
      current = openSecrets(services.keyring, row);
    } catch (err) {
      if (err instanceof DecryptionError) throw decryptionFailed(err);
      throw err;
    }
    const merged = withoutEmpty({ ...current, ...patch.secrets });
    const secrets = validate(def.secrets, merged, 'secrets') as Record<string, unknown>;
    Object.assign(row, sealSecrets(services.keyring, row.id, withoutEmpty(secrets)));
  }
  await em.flush();
  // Rotated secrets and new limits apply to the next delivery, not after the cache TTL.
  services.connectionCache.invalidate(row.id);
  services.connectionRateLimits.invalidate();
  return toView(row);
}

async function prepare(services: Services, em: EntityManager, id: string, action?: string) {
  try {
    return await prepareConnection(em, services.keyring, services.connectors, id, action === undefined ? {} : { action });
  } catch (err) {
    if (err instanceof DecryptionError) throw decryptionFailed(err);
    if (err instanceof ConnectorError) throw new ApiError(HTTP_STATUS_OF_CODE[err.code], err.code, err.message, err.options.details);
    throw err;
  }
}

function testOptions(services: Services, logContext: Record<string, unknown>): ConnectionTestOptions {
  return connectionTestOptions(services.outbound, services.logger.child({ ...logContext, op: 'connection-test' }));
}

/** Runs the connector's `test` on the stored connection (`ok: null` when nothing could be called). */
export async function testConnection(services: Services, em: EntityManager, id: string): Promise<ConnectionTestResult> {
  let prepared = await prepare(services, em, id);
  if (prepared.connector.auth) {
    // OAuth: test with a current token (refreshed first when it expires soon), like an action.
    try {
      const deps = { em: () => services.orm.em.fork(), keyring: services.keyring, fetch: services.outbound.fetch, onRefreshed: (cid: string) => services.connectionCache.invalidate(cid) };
      prepared = withAccessTokenOf(prepared, (await freshAccessToken(deps, prepared.connector, prepared.connection.id)).accessToken);
    } catch (err) {
      if (err instanceof ConnectorError) return { ok: false, message: `${err.code}: ${err.message}` };
      throw err;
    }
  }
  return runConnectionTest(prepared.connector, prepared, testOptions(services, { connectionId: id }));
}

/**
 * Runs the connector's `test` on credentials that are not saved: validated like a
 * create (400 with field paths), nothing stored, secret values scrubbed from the
 * answer and the logs. A connector without a test answers `ok: null`: nothing was
 * checked against the provider.
 */
export async function testUnsavedConnection(
  services: Services,
  body: { connector: string; config?: Record<string, unknown> | undefined; secrets?: Record<string, unknown> | undefined },
): Promise<ConnectionTestResult> {
  const def = connectorOf(services, body.connector);
  const config = validateConfig(def, body.config ?? {});
  const secrets = withoutEmpty(validate(def.secrets, body.secrets ?? {}, 'secrets') as Record<string, unknown>);
  // The values as sent and as parsed (a schema may trim or transform them).
  const redactor = new Redactor([...secretValuesOf(body.secrets ?? {}), ...secretValuesOf(secrets)]);
  return runConnectionTest(def, { config, secrets, redactor }, testOptions(services, { connector: def.key, unsaved: true }));
}

/** The connector error code inside a failed action workflow, if any. */
function failureOf(err: unknown): { code: string; message: string } | undefined {
  if (!(err instanceof WorkflowFailedError)) return undefined;
  let cause: unknown = err.cause;
  while (cause instanceof ActivityFailure) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'INTERNAL', message: cause.message };
  return { code: 'INTERNAL', message: (cause as Error | undefined)?.message ?? err.message };
}

/**
 * Validates the input at the edge, then runs the action as a one-step workflow and
 * waits for it. An `Idempotency-Key` names the workflow (never run twice while the
 * namespace keeps its history): a repeat with the same input waits for and returns the
 * first run's result (or failure); the same key with another input throws
 * `IdempotencyKeyReusedError` (422) and runs nothing.
 */
export async function runAction(
  services: Services,
  em: EntityManager,
  id: string,
  action: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<{ output: unknown; workflowId: string }> {
  await findConnection(em, id);
  const prepared = await prepare(services, em, id, action);
  const def = actionDefinitionOf(prepared.connector, action);
  if (!def) throw new ApiError(400, 'INVALID_INPUT', `Connector "${prepared.connector.key}" has no action "${action}"`);
  const parsed = validate(def.input, input, 'input');
  const workflowId = `${WORKFLOW_ID_PREFIX.action}:${id}:${action}:${idempotencyKey ?? nanoid(9)}`;
  const { client, taskQueue } = services.temporal;
  const actionQueue = await services.connectionRateLimits.queueOf(id);
  const started = await services.starter.start(
    WORKFLOW_TYPES.action,
    {
      taskQueue,
      workflowId,
      args: [{ connectionId: id, action, input: parsed, ...(actionQueue ? { taskQueue: actionQueue } : {}) }],
      staticSummary: `${prepared.connector.key}.${action} on ${prepared.connection.name}`,
    },
    { requestHash: idempotencyKey !== undefined ? requestHash({ input: parsed }) : undefined },
  );
  try {
    const result = (await client.workflow.getHandle(workflowId, undefined, { firstExecutionRunId: started.runId }).result()) as { output: unknown; workflowId: string };
    return { output: result.output, workflowId };
  } catch (err) {
    const failure = failureOf(err);
    if (!failure) throw err;
    const redactor = prepared.redactor ?? new Redactor();
    const status = HTTP_STATUS_OF_CODE[failure.code as ErrorCode] ?? 500;
    throw new ApiError(status, failure.code, redactor.scrub(failure.message), { workflowId });
  }
}
