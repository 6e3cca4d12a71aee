/**
 * A real runtime for connector contract tests: a migrated database, a master key,
 * a worker on its own task queue against a running Temporal server, and a client
 * that runs actions through `connectorActionWorkflow` exactly as the API does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { pino } from 'pino';
import { ConnectorRegistry } from '../../connectors/registry.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/types.ts';
import { loadConfig, withConfig, type Config } from '../config.ts';
import { sealSecrets } from '../connections/store.ts';
import { connectionTestOptions, prepareConnection, runConnectionTest } from '../connector-host/run-action.ts';
import { Connection } from '../db/entities/index.ts';
import { openOrm, type DatabaseConfig, type Orm } from '../db/orm.ts';
import { REDACT_PATHS } from '../logger.ts';
import { generateMasterKey, type Keyring } from '../security/crypto.ts';
import { keyringFromText } from '../security/master-key.ts';
import { nanoid } from '../security/random.ts';
import { createOutbound } from '../security/outbound.ts';
import { createTemporalClient, type TemporalHandle } from '../temporal/client.ts';
import { WORKFLOW_TYPES } from '../temporal/constants.ts';
import { startWorker, type WorkerHandle } from '../temporal/worker.ts';

/**
 * Outcome of {@link ContractHarness.runAction}: the output, or the failure's code.
 *
 * @example
 * const r: ActionResult = await harness.runAction(connectionId, 'ping', {}); if (!r.ok) console.log(r.code, r.nonRetryable);
 */
export type ActionResult = { ok: true; output: unknown; workflowId: string } | { ok: false; code: string; message: string; nonRetryable: boolean; workflowId: string };

/**
 * A real runtime for connector tests: database, Temporal worker and the action workflow.
 *
 * @example
 * const id = await harness.createConnection('acme', { baseUrl: fake.url }, { token: 't' });
 * const result = await harness.runAction(id, 'ping', {});
 */
export interface ContractHarness {
  config: Config;
  orm: Orm;
  keyring: Keyring;
  temporal: TemporalHandle;
  /** Every log line the worker wrote (JSON text). */
  logs: string[];
  createConnection(connector: string, config: Record<string, unknown>, secrets: Record<string, unknown>): Promise<string>;
  runAction(connectionId: string, action: string, input: unknown): Promise<ActionResult>;
  /** Runs the connector's `test` on the stored connection as the API does; undefined when it has none. */
  testConnection(connectionId: string): Promise<{ ok: boolean | null; message: string } | undefined>;
  close(): Promise<void>;
}

/**
 * Options of {@link createContractHarness}.
 *
 * @example
 * const harness = await createContractHarness({ temporalAddress: '127.0.0.1:7233', connectors: [acme], ssrfAllow: ['127.0.0.1'] });
 */
export interface HarnessOptions {
  /** host:port of a running Temporal frontend. */
  temporalAddress: string;
  namespace?: string;
  connectors: readonly ConnectorDefinition[];
  /** SSRF allow-list (the fakes' addresses, e.g. 127.0.0.1). */
  ssrfAllow?: readonly string[];
  /** Default: a fresh SQLite file in a temp dir. */
  database?: DatabaseConfig;
}

/**
 * Starts a worker and opens a database for connector tests.
 *
 * @example
 * const harness = await createContractHarness({ temporalAddress: '127.0.0.1:7233', connectors: [acme], ssrfAllow: ['127.0.0.1'] });
 * afterAll(() => harness.close());
 */
export async function createContractHarness(opts: HarnessOptions): Promise<ContractHarness> {
  const dir = opts.database ? undefined : await mkdtemp(join(tmpdir(), 'sb-contract-'));
  const database: DatabaseConfig = opts.database ?? { kind: 'sqlite', path: join(dir!, 'contract.sqlite') };
  const config = withConfig(
    loadConfig({ SWITCHBOARD_SSRF_ALLOW: (opts.ssrfAllow ?? []).join(','), LOG_LEVEL: 'debug', PATH: undefined }),
    { database, temporal: { address: opts.temporalAddress, namespace: opts.namespace ?? 'default', taskQueue: `contract-${nanoid(6)}` } },
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  const orm = await openOrm(database, { migrate: true });
  const keyring = keyringFromText(generateMasterKey());
  const connectors = new ConnectorRegistry(opts.connectors);
  const temporal = createTemporalClient({ ...config.temporal, address: opts.temporalAddress });
  const outbound = createOutbound(config.ssrfAllow);
  const worker: WorkerHandle = await startWorker({ config, orm, logger, keyring, connectors, outbound, address: opts.temporalAddress });

  return {
    config,
    orm,
    keyring,
    temporal,
    logs,
    async createConnection(connector, cfg, secrets) {
      const em = orm.em.fork();
      const id = `conn_${nanoid(9)}`;
      em.create(Connection, { id, connector, name: `${connector} contract`, config: cfg, ...sealSecrets(keyring, id, secrets) });
      await em.flush();
      return id;
    },
    async runAction(connectionId, action, input) {
      const workflowId = `contract:${connectionId}:${action}:${nanoid(6)}`;
      try {
        const result = (await temporal.client.workflow.execute(WORKFLOW_TYPES.action, {
          taskQueue: config.temporal.taskQueue,
          workflowId,
          args: [{ connectionId, action, input }],
        })) as { output: unknown };
        return { ok: true, output: result.output, workflowId };
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        let cause: unknown = err.cause;
        while (cause instanceof ActivityFailure) cause = cause.cause;
        if (!(cause instanceof ApplicationFailure)) throw err;
        return { ok: false, code: cause.type ?? 'UNKNOWN', message: cause.message, nonRetryable: cause.nonRetryable === true, workflowId };
      }
    },
    async testConnection(connectionId) {
      const prepared = await prepareConnection(orm.em.fork(), keyring, connectors, connectionId);
      if (!prepared.connector.test) return undefined;
      return runConnectionTest(prepared.connector, prepared, connectionTestOptions(outbound, logger.child({ connectionId, op: 'connection-test' })));
    },
    async close() {
      await worker.shutdown();
      await temporal.connection.close();
      await orm.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
