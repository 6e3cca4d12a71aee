/**
 * Records the replay history of the `wait_for_event` step:
 *   node bin/run-ts.mjs test/replay/record-wait-for-event.ts
 * A run parks on `github.pull_request.closed` for its PR number; the event router (the
 * real `eventWorkflow` and its `routeEvent` activity over the index) hands it an event
 * that `if` refuses, then one that passes; a second wait times out into `onTimeout:
 * continue`. Writes only test/replay/histories/automation-wait-for-event.json. Never
 * re-record it to make a failing replay pass.
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
import { openOrm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logger.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { historyToFile } from './histories.ts';

const OUT = fileURLToPath(new URL('./histories/automation-wait-for-event.json', import.meta.url));
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

const closed = (id: string, merged: boolean): NormalizedEvent => ({
  type: 'github.pull_request.closed',
  id,
  source: { connector: 'github', connectionId: 'conn_gh' },
  payload: { action: 'closed', number: 7, pull_request: { number: 7, merged }, repository: { full_name: 'acme/widgets' } },
  receivedAt: '2026-12-06T12:00:00.000Z',
  headers: {},
});

try {
  const automations = new AutomationService({ orm, temporal: undefined });
  const waits = await automations.create({
    name: 'wait for a merge',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'merged',
        type: 'wait_for_event',
        event: 'github.pull_request.closed',
        key: '{{ input.pr }}',
        eventKey: 'payload.pull_request.number',
        if: 'event.payload.pull_request.merged = true',
        timeout: '1d',
      },
      { id: 'label', type: 'wait_for_event', event: 'github.issues.*', key: 'never', eventKey: 'payload.issue.number', timeout: '1h', onTimeout: 'continue' },
      { id: 'report', type: 'transform', output: { delivery: '{{ steps.merged.output.deliveryId }}', labelled: '{{ $not(steps.label.output.timedOut) }}' } },
    ],
  });
  const taskQueue = 'replay-record';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: createActivities({
      config,
      outbound: createOutbound(config.ssrfAllow),
      orm,
      logger: createLogger({ level: 'silent' }),
      keyring: keyringFromText(Buffer.alloc(32, 7).toString('base64')),
      connectors: new ConnectorRegistry(BUILTIN_CONNECTORS),
    }),
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${waits.id}:recorded`,
      args: [{ automationId: waits.id, version: 1, input: { pr: 7 }, trigger: { type: 'manual' } }],
    });
    const parkedOn = async (stepId: string) => {
      for (;;) {
        const state = await handle.query(runStateQuery);
        if (state.waitingFor?.some((w) => w.stepId === stepId) && state.status === 'waiting_event') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await parkedOn('merged');
    for (const event of [closed('d-unmerged', false), closed('d-merged', true)]) {
      // Started, then polled: awaiting a result would let the server skip time past the wait's deadline.
      const router = await env.client.workflow.start(WORKFLOW_TYPES.event, { taskQueue, workflowId: `wh:github:conn_gh:${event.id}`, args: [event] });
      while ((await router.describe()).status.name === 'RUNNING') await new Promise((r) => setTimeout(r, 100));
      const state = await handle.query(runStateQuery);
      console.error('after', event.id, state.status, JSON.stringify(state.waitingFor));
    }
    await parkedOn('label');
    await env.sleep('2 hours');
    console.error('result', JSON.stringify(await handle.result()));
    await writeFile(OUT, historyToFile(handle.workflowId, await handle.fetchHistory()));
  });
} finally {
  await orm.close();
  await env.teardown();
  await rm(dir, { recursive: true, force: true });
}
