/**
 * Records the replay histories of the `foreach` step:
 *   node bin/run-ts.mjs test/replay/record-foreach.ts
 * A loop of 5 items at concurrency 3 calling a connector action, with a nested condition,
 * loop variables, scoped outputs and an `output` template (automation-foreach.json), and a
 * loop of 150 items run in child batches (automation-foreach-batched.json and its first
 * batch, automation-foreach-batch.json). Writes only those files; never re-record them to
 * make a failing replay pass.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
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
import { ALL_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { historyToFile } from './histories.ts';
import { automationWorkflow } from '../../workflows/index.ts';

const OUT = fileURLToPath(new URL('./histories/', import.meta.url));
const config = loadConfig();
const testServer = await resolveTemporalTool('testServer', { explicitPath: config.temporal.testServerPath, pathEnv: config.searchPath, log: console.error });
if (!testServer) throw new Error('time-skipping test server not found');
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
const T = proto.temporal.api.enums.v1.IndexedValueType;
await env.connection.operatorService.addSearchAttributes({
  namespace: 'default',
  searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type === 'INT' ? T.INDEXED_VALUE_TYPE_INT : T.INDEXED_VALUE_TYPE_KEYWORD])),
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
  const small = await automations.create({
    name: 'foreach',
    trigger: { type: 'manual' },
    steps: [
      { id: 'prefix', type: 'transform', output: 'line' },
      {
        id: 'lines',
        type: 'foreach',
        items: '{{ input.lines }}',
        as: 'line',
        concurrency: 3,
        onItemError: 'continue',
        steps: [
          { id: 'log', type: 'action', connection: 'conn_log', action: 'log', input: { message: '{{ steps.prefix.output }} {{ index }}: {{ line.sku }}' } },
          { id: 'big', type: 'condition', if: 'line.qty > 1', then: [{ id: 'many', type: 'transform', output: '{{ line.qty }} pieces' }], else: [] },
          { id: 'upper', type: 'transform', output: '{{ $uppercase(line.sku) }}' },
        ],
        output: { sku: '{{ steps.upper.output }}', branch: '{{ steps.big.output.branch }}' },
      },
      { id: 'count', type: 'transform', output: '{{ steps.lines.output.count }}' },
    ],
  });
  const batched = await automations.create({
    name: 'foreach batched',
    trigger: { type: 'manual' },
    steps: [{ id: 'squares', type: 'foreach', items: '{{ input.n }}', concurrency: 4, steps: [{ id: 'sq', type: 'transform', output: '{{ item * item }}' }] }],
  });
  const taskQueue = 'replay-record';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: createActivities({ config, outbound: createOutbound(config.ssrfAllow), orm, logger: createLogger({ level: 'silent' }), keyring, connectors: new ConnectorRegistry(BUILTIN_CONNECTORS) }),
  });
  await worker.runUntil(async () => {
    const lines = [{ sku: 'a-1', qty: 1 }, { sku: 'b-2', qty: 3 }, { qty: 2 }, { sku: 'd-4', qty: 1 }, { sku: 'e-5', qty: 5 }];
    const loop = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${small.id}:recorded`,
      args: [{ automationId: small.id, version: 1, input: { lines }, trigger: { type: 'manual' } }],
    });
    console.error('foreach result', JSON.stringify(await loop.result()));
    await writeFile(join(OUT, 'automation-foreach.json'), historyToFile(loop.workflowId, await loop.fetchHistory()));

    const long = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${batched.id}:recorded`,
      args: [{ automationId: batched.id, version: 1, input: { n: Array.from({ length: 150 }, (_, i) => i) }, trigger: { type: 'manual' } }],
    });
    const result = await long.result();
    console.error('batched count', (result.outputs['squares'] as { count: number }).count);
    await writeFile(join(OUT, 'automation-foreach-batched.json'), historyToFile(long.workflowId, await long.fetchHistory()));
    const batch = env.client.workflow.getHandle(`${long.workflowId}/squares[0-99]`);
    await writeFile(join(OUT, 'automation-foreach-batch.json'), historyToFile(batch.workflowId, await batch.fetchHistory()));
  });
} finally {
  await orm.close();
  await env.teardown();
  await rm(dir, { recursive: true, force: true });
}
