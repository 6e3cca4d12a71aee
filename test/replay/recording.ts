/**
 * What the recording scripts of the replay gate share (record-history.ts,
 * record-corpus.ts): a time-skipping server with the search attributes, a SQLite
 * database with the real activities and connectors, workers, and writing a run's
 * history to test/replay/histories/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities/index.ts';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import { ConnectorRegistry } from '../../connectors/registry.ts';
import { AutomationService } from '../../src/automations/service.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { sealSecrets } from '../../src/connections/store.ts';
import { Connection } from '../../src/db/entities/index.ts';
import { openOrm, type Orm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logger.ts';
import type { Keyring } from '../../src/security/crypto.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { searchAttributeTypes } from '../../src/temporal/admin.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { historyToFile } from './histories.ts';

const OUT = fileURLToPath(new URL('./histories/', import.meta.url));

export interface Recorder {
  env: TestWorkflowEnvironment;
  orm: Orm;
  keyring: Keyring;
  config: Config;
  automations: AutomationService;
  /** A worker of the real workflows and activities on `taskQueue` (not yet running); `code` replaces the workflow code options (code-first packages). */
  worker(taskQueue: string, code?: Partial<WorkerOptions>): Promise<Worker>;
  /** The real activities (a worker of another queue, e.g. a rate-limited connection's). */
  activities: ReturnType<typeof createActivities>;
  /** A connection row with sealed secrets. */
  connection(id: string, connector: string, config?: Record<string, unknown>, secrets?: Record<string, unknown>): Promise<void>;
  /** Writes the run's history to test/replay/histories/<file>. */
  save(file: string, handle: WorkflowHandle): Promise<void>;
  close(): Promise<void>;
}

/** `env`: extra configuration (e.g. `SWITCHBOARD_SSRF_ALLOW` for local provider fakes). */
export async function openRecorder(env: Record<string, string> = {}): Promise<Recorder> {
  const config = loadConfig({ ...process.env, ...env });
  const testServer = await resolveTemporalTool('testServer', { explicitPath: config.temporal.testServerPath, pathEnv: config.searchPath, log: console.error });
  if (!testServer) throw new Error('time-skipping test server not found');
  const temporal = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  await temporal.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: searchAttributeTypes(),
  });
  const dir = await mkdtemp(join(tmpdir(), 'sb-record-'));
  const orm = await openOrm({ kind: 'sqlite', path: join(dir, 'db.sqlite') }, { migrate: true });
  const keyring = keyringFromText(Buffer.alloc(32, 7).toString('base64'));
  const activities = createActivities({ config, outbound: createOutbound(config.ssrfAllow), orm, logger: createLogger({ level: 'silent' }), keyring, connectors: new ConnectorRegistry(BUILTIN_CONNECTORS) });
  return {
    env: temporal,
    orm,
    keyring,
    config,
    automations: new AutomationService({ orm, temporal: undefined }),
    activities,
    worker: (taskQueue, code = {}) => Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowsPath, activities, ...code }),
    async connection(id, connector, connConfig = {}, secrets = {}) {
      const em = orm.em.fork();
      const sealed = sealSecrets(keyring, id, secrets);
      em.create(Connection, { id, connector, name: id, config: connConfig, secrets: sealed.secrets, secretFields: sealed.secretFields });
      await em.flush();
    },
    async save(file, handle) {
      await writeFile(join(OUT, file), historyToFile(handle.workflowId, await handle.fetchHistory()));
      console.error('recorded', file);
    },
    async close() {
      await orm.close();
      await temporal.teardown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it is truthy (time does not skip while nobody awaits a result). */
export async function until(probe: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gave up waiting');
}
