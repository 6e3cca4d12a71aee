/**
 * Records histories of the automation interpreter for the replay gate:
 *   node bin/run-ts.mjs test/replay/record-history.ts
 * Runs a definition that uses every built-in step kind (transform, condition,
 * parallel, wait, approval decided through the update, connector action, child
 * automation), plus an approval that reminds and escalates, on the time-skipping
 * server and writes the histories to
 * test/replay/histories/. Re-record only when a workflow change is meant to be
 * incompatible (and version it), never to make a failing replay pass.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.ts';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import { ConnectorRegistry } from '../../connectors/registry.ts';
import { AutomationService } from '../../src/automations/service.ts';
import { loadConfig } from '../../src/config.ts';
import { sealSecrets } from '../../src/connections/store.ts';
import { Connection } from '../../src/db/entities/index.ts';
import { openOrm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logger.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { searchAttributeTypes } from '../../src/temporal/admin.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { historyToFile } from './histories.ts';
import { automationWorkflow } from '../../workflows/index.ts';

const OUT = fileURLToPath(new URL('./histories/', import.meta.url));
const config = loadConfig();
const testServer = await resolveTemporalTool('testServer', { explicitPath: config.temporal.testServerPath, pathEnv: config.searchPath, log: console.error });
if (!testServer) throw new Error('time-skipping test server not found');
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
await env.connection.operatorService.addSearchAttributes({
  namespace: 'default',
  searchAttributes: searchAttributeTypes(),
});
const dir = await mkdtemp(join(tmpdir(), 'sb-record-'));
const orm = await openOrm({ kind: 'sqlite', path: join(dir, 'db.sqlite') }, { migrate: true });
const keyring = keyringFromText(Buffer.alloc(32, 7).toString('base64'));
try {
  const em = orm.em.fork();
  const sealed = sealSecrets(keyring, 'conn_log', {});
  em.create(Connection, { id: 'conn_log', connector: 'logging', name: 'log', config: {}, secrets: sealed.secrets, secretFields: sealed.secretFields });
  await em.flush();
  const automations = new AutomationService({ orm, temporal: undefined });
  const child = await automations.create({ name: 'child', trigger: { type: 'manual' }, steps: [{ id: 'double', type: 'transform', output: '{{ input.n * 2 }}' }] });
  const parent = await automations.create({
    name: 'every step kind',
    trigger: { type: 'manual' },
    steps: [
      { id: 'start', type: 'transform', output: { n: '{{ input.n }}' } },
      { id: 'big', type: 'condition', if: 'input.n > 3', then: [{ id: 'yes', type: 'transform', output: 'big' }], else: [{ id: 'no', type: 'transform', output: 'small' }] },
      { id: 'fan', type: 'parallel', branches: [[{ id: 'log', type: 'action', connection: 'conn_log', action: 'log', input: { message: 'n={{ input.n }}' } }], [{ id: 'pause', type: 'wait', duration: '1h' }]] },
      { id: 'review', type: 'approval', approvers: ['ann'], timeout: '1d', onTimeout: 'reject' },
      { id: 'sub', type: 'automation', automation: child.id, input: { n: '{{ input.n }}' }, when: "steps.review.output.decision = 'approve'" },
      { id: 'skipped', type: 'transform', when: 'false', output: 1 },
      { id: 'bad', type: 'transform', output: '{{ input.missing }}', onError: 'continue' },
    ],
  });
  const taskQueue = 'replay-record';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: createActivities({ config, outbound: createOutbound(config.ssrfAllow), orm, logger: createLogger({ level: 'silent' }), keyring, connectors: new ConnectorRegistry(BUILTIN_CONNECTORS) }),
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${parent.id}:recorded`,
      args: [{ automationId: parent.id, version: 1, input: { n: 5 }, trigger: { type: 'manual' } }],
    });
    // Time skips only while someone awaits a result: skip past the 1h wait explicitly.
    await env.sleep('2 hours');
    for (;;) {
      const state = await handle.query(runStateQuery);
      if (state.pendingApprovals.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'ann', comment: 'recorded' }] });
    const result = await handle.result();
    console.error('result', JSON.stringify(result));
    await writeFile(join(OUT, 'automation-every-step.json'), historyToFile(handle.workflowId, await handle.fetchHistory()));
    const childHandle = env.client.workflow.getHandle(`run:${child.id}:${parent.id}:recorded.sub`);
    await writeFile(join(OUT, 'automation-child.json'), historyToFile(childHandle.workflowId, await childHandle.fetchHistory()));

    // An approval that reminds, then escalates (new approver + notice), decided by the escalation approver.
    const escalating = await automations.create({
      name: 'escalating approval',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['ann'],
          timeout: '2d',
          remind: { before: '36h', action: { connection: 'conn_log', action: 'log', input: { message: 'reminder' } } },
          escalate: { after: '1d', approvers: ['boss'], action: { connection: 'conn_log', action: 'log', input: { message: 'escalated' } } },
          onTimeout: 'reject',
        },
        { id: 'after', type: 'transform', output: '{{ steps.review.output.approver }}' },
      ],
    });
    const esc = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${escalating.id}:recorded`,
      args: [{ automationId: escalating.id, version: 1, input: {}, trigger: { type: 'manual' } }],
    });
    await env.sleep('25 hours');
    for (;;) {
      const state = await esc.query(runStateQuery);
      if (state.pendingApprovals[0]?.escalatedAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await esc.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'boss', comment: 'recorded' }] });
    console.error('escalation result', JSON.stringify(await esc.result()));
    await writeFile(join(OUT, 'automation-escalation.json'), historyToFile(esc.workflowId, await esc.fetchHistory()));
  });
} finally {
  await orm.close();
  await env.teardown();
  await rm(dir, { recursive: true, force: true });
}
