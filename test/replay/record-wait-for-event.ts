/**
 * Records the replay history of the `wait_for_event` step:
 *   node bin/run-ts.mjs test/replay/record-wait-for-event.ts
 * A run parks on `github.pull_request.closed` for its PR number; the event router (the
 * real `eventWorkflow` and its `routeEvent` activity over the index) hands it an event
 * that `if` refuses, then one that passes; a second wait times out into `onTimeout:
 * continue`. Writes only test/replay/histories/automation-wait-for-event.json. Never
 * re-record it to make a failing replay pass.
 */
import { WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder } from './recording.ts';

const rec = await openRecorder();

const closed = (id: string, merged: boolean): NormalizedEvent => ({
  type: 'github.pull_request.closed',
  id,
  source: { connector: 'github', connectionId: 'conn_gh' },
  payload: { action: 'closed', number: 7, pull_request: { number: 7, merged }, repository: { full_name: 'acme/widgets' } },
  receivedAt: '2026-12-06T12:00:00.000Z',
  headers: {},
});

try {
  const { env, automations } = rec;
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
  const worker = await rec.worker(taskQueue);
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
    await rec.save('automation-wait-for-event.json', handle);
  });
} finally {
  await rec.close();
}
