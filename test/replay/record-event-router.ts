/**
 * Records replay histories of the event router (`eventWorkflow`):
 *   node bin/run-ts.mjs test/replay/record-event-router.ts <file name>
 * One `github.pull_request.closed` event routed by the real router over the real
 * activities: an automation subscribes to it (the router starts its run as a child) and
 * a run is parked on a `wait_for_event` step for the PR (the router signals it). Writes
 * test/replay/histories/event-router/<file name>. `router-activity.json` was recorded on
 * the code before `event-route-local` (the look-up as an activity task), `router-local.json`
 * after it (a local activity). Never re-record one to make a failing replay pass.
 */
import { WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder, until } from './recording.ts';

const file = process.argv[2];
if (!file?.endsWith('.json')) throw new Error('usage: record-event-router.ts <file>.json');
const rec = await openRecorder();

try {
  const { env, automations } = rec;
  await rec.connection('conn_gh', 'github', {}, { token: 'ghp-recorder', webhookSecret: 'whsec-recorder' });
  await automations.create({
    name: 'log closed PRs',
    trigger: { type: 'webhook', connection: 'conn_gh', events: ['github.pull_request.closed'] },
    steps: [{ id: 'log', type: 'transform', output: { pr: '{{ trigger.payload.number }}' } }],
  });
  const waits = await automations.create({
    name: 'wait for the close',
    trigger: { type: 'manual' },
    steps: [{ id: 'closed', type: 'wait_for_event', event: 'github.pull_request.closed', key: '{{ input.pr }}', eventKey: 'payload.pull_request.number', timeout: '1d' }],
  });
  const event: NormalizedEvent = {
    type: 'github.pull_request.closed',
    id: 'd-closed-7',
    source: { connector: 'github', connectionId: 'conn_gh' },
    payload: { action: 'closed', number: 7, pull_request: { number: 7, merged: true }, repository: { full_name: 'acme/widgets' } },
    receivedAt: '2026-12-07T06:00:00.000Z',
    headers: {},
  };
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const waiting = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${waits.id}:recorded`,
      args: [{ automationId: waits.id, version: 1, input: { pr: 7 }, trigger: { type: 'manual' } }],
    });
    await until(async () => (await waiting.query(runStateQuery)).status === 'waiting_event');
    // Started, then polled: awaiting a result would let the server skip time past the wait's deadline.
    const router = await env.client.workflow.start(WORKFLOW_TYPES.event, { taskQueue, workflowId: `wh:github:conn_gh:${event.id}`, args: [event] });
    await until(async () => (await router.describe()).status.name === 'COMPLETED');
    console.error('routed', JSON.stringify(await router.result()));
    console.error('resumed', JSON.stringify(await waiting.result()));
    await rec.save(`event-router/${file}`, router);
  });
} finally {
  await rec.close();
}
