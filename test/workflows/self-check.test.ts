import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { selfCheckWorkflow } from '../../workflows/index.ts';
import { createTestOrm } from '../support/db.ts';
import { timeSkippingEnv } from '../support/temporal.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';
import { ConnectorRegistry } from '../../connectors/registry.ts';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';

describe('selfCheckWorkflow (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: Awaited<ReturnType<typeof createTestOrm>>;
  beforeAll(async () => {
    env = await timeSkippingEnv();
    db = await createTestOrm('sqlite');
  });
  afterAll(async () => {
    await env?.teardown();
    await db?.close();
  });

  it('runs its activity against the real database and reports it', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'self-check',
      workflowsPath,
      activities: createActivities({ config: loadConfig({}), outbound: createOutbound([]), orm: db.orm, logger: createLogger({ level: 'silent' }), keyring: keyringFromText(TEST_MASTER_KEY), connectors: new ConnectorRegistry(BUILTIN_CONNECTORS) }),
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(selfCheckWorkflow, { taskQueue: 'self-check', workflowId: 'selfcheck:test' }),
    );
    expect(result).toMatchObject({ ok: true, workflowId: 'selfcheck:test', activity: { database: 'ok', dialect: 'SqlitePlatform' } });
  });
});
