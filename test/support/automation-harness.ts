/**
 * The automation interpreter on the time-skipping server with the real activities
 * and a real SQLite database: save a definition, run it, inspect it.
 */
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.ts';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import { ConnectorRegistry } from '../../connectors/registry.ts';
import { AutomationService } from '../../src/automations/service.ts';
import { loadConfig, withConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { nanoid } from '../../src/security/random.ts';
import { searchAttributeTypes } from '../../src/temporal/admin.ts';
import { runWorkflowId } from '../../src/temporal/constants.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import type { AutomationWorkflowInput } from '../../workflows/automation/workflow.ts';
import { createTestOrm, type Dialect } from './db.ts';
import { Automation, AutomationVersion, Connection } from '../../src/db/entities/index.ts';
import { newId } from '../../src/db/ids.ts';
import { sealSecrets } from '../../src/connections/store.ts';
import type { Orm } from '../../src/db/orm.ts';

/** Stores a definition without validation: proves the interpreter defends itself too. */
async function saveUnchecked(orm: Orm, definition: unknown): Promise<{ id: string; version: number }> {
  const em = orm.em.fork();
  const id = `auto_${nanoid(8)}`;
  em.create(Automation, { id, name: 'unchecked', currentVersion: 1, triggerType: 'manual' });
  em.create(AutomationVersion, { id: `${id}@1`, automationId: id, version: 1, definition: definition as Record<string, unknown> });
  await em.flush();
  return { id, version: 1 };
}
import { TEST_MASTER_KEY } from './stack.ts';
import { timeSkippingEnv } from './temporal.ts';


export interface InterpreterHarness {
  env: TestWorkflowEnvironment;
  worker: Worker;
  taskQueue: string;
  /** The activities the worker registers (for a second worker with other workflow code). */
  activities: object;
  automations: AutomationService;
  /** Saves the definition (new automation) and starts a manual run; returns the handle. */
  start(definition: unknown, input?: unknown, opts?: Partial<AutomationWorkflowInput> & { unchecked?: boolean }): Promise<Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>>;
  /** A connection row with sealed secrets, for action steps. */
  createConnection(connector: string, secrets: Record<string, unknown>, config?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** `extraActivities` override or add activities (e.g. a stand-in connector action). */
export async function startInterpreterHarness(opts: { dialect?: Dialect; extraActivities?: object; env?: Record<string, string> } = {}): Promise<InterpreterHarness> {
  const env = await timeSkippingEnv();
  // The time-skipping server cannot list search attributes, but adds them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: searchAttributeTypes(),
  });
  const db = await createTestOrm(opts.dialect ?? 'sqlite');
  const taskQueue = `auto-${nanoid(6)}`;
  const config = withConfig(loadConfig({ PATH: process.env['PATH'], ...opts.env }), { temporal: { taskQueue } });
  const keyring = keyringFromText(TEST_MASTER_KEY);
  const activities = {
    ...createActivities({ config, outbound: createOutbound(config.ssrfAllow), orm: db.orm, logger: createLogger({ level: 'silent' }), keyring, connectors: new ConnectorRegistry(BUILTIN_CONNECTORS) }),
    ...opts.extraActivities,
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
  const running = worker.run();
  const automations = new AutomationService({ orm: db.orm, temporal: undefined });
  return {
    env,
    worker,
    taskQueue,
    activities,
    automations,
    async start(definition, input = {}, extra = {}) {
      const saved = extra.unchecked ? await saveUnchecked(db.orm, definition) : await automations.create(definition);
      delete extra.unchecked;
      return env.client.workflow.start(automationWorkflow, {
        taskQueue,
        workflowId: runWorkflowId(saved.id, nanoid(8)),
        args: [{ automationId: saved.id, version: saved.version, input, trigger: { type: 'manual' }, ...extra }],
      });
    },
    async createConnection(connector, secrets, config = {}) {
      const em = db.orm.em.fork();
      const id = newId('conn');
      const sealed = sealSecrets(keyring, id, secrets);
      em.create(Connection, { id, connector, name: connector, config, secrets: sealed.secrets, secretFields: sealed.secretFields });
      await em.flush();
      return id;
    },
    async close() {
      worker.shutdown();
      await running.catch(() => undefined);
      await env.teardown();
      await db.close();
    },
  };
}
