/**
 * Records the replay history of a `wait_for_event` step resumed by webhook intake's
 * signal (`signalEventWaiters`, the function intake and test events call): the step has no
 * `if`, so the signal says `consumed` and the signaller removes the registration; the run
 * skips its `clearEventWait` local activity under `patched('event-wait-consumed')`.
 *   node bin/run-ts.mjs test/replay/record-wait-consumed.ts
 * Then the event workflow intake starts for that delivery (waiters resumed, no subscriber
 * in the database: it looks nothing up, `patched('event-route-checked')`).
 * Writes test/replay/histories/event-router/run-consumed.json and router-checked.json. Never
 * re-record them to make a failing replay pass.
 */
import { signalEventWaiters } from '../../src/automations/event-waits.ts';
import { WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder, until } from './recording.ts';

const rec = await openRecorder();

try {
  const { env, automations } = rec;
  const waits = await automations.create({
    name: 'wait for the close',
    trigger: { type: 'manual' },
    steps: [
      { id: 'closed', type: 'wait_for_event', event: 'github.pull_request.closed', key: '{{ input.pr }}', eventKey: 'payload.pull_request.number', timeout: '1d' },
      { id: 'report', type: 'transform', output: { delivery: '{{ steps.closed.output.deliveryId }}' } },
    ],
  });
  const event: NormalizedEvent = {
    type: 'github.pull_request.closed',
    id: 'd-closed-9',
    source: { connector: 'github', connectionId: 'conn_gh' },
    payload: { action: 'closed', number: 9, pull_request: { number: 9, merged: true }, repository: { full_name: 'acme/widgets' } },
    receivedAt: '2026-12-07T06:00:00.000Z',
    headers: {},
  };
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${waits.id}:consumed`,
      args: [{ automationId: waits.id, version: 1, input: { pr: 9 }, trigger: { type: 'manual' } }],
    });
    await until(async () => (await handle.query(runStateQuery)).status === 'waiting_event');
    const signalled = await signalEventWaiters(env.client, rec.orm, event);
    console.error('signalled', JSON.stringify(signalled));
    console.error('result', JSON.stringify(await handle.result()));
    await rec.save('event-router/run-consumed.json', handle);
    const router = await env.client.workflow.start(WORKFLOW_TYPES.event, { taskQueue, workflowId: `wh:github:conn_gh:${event.id}`, args: [event, { waitersResumed: true, subscribersChecked: true }] });
    console.error('routed', JSON.stringify(await router.result()));
    await rec.save('event-router/router-checked.json', router);
  });
} finally {
  await rec.close();
}
