/**
 * Records the replay history of a re-drive from a step:
 *   node bin/run-ts.mjs test/replay/record-redrive.ts
 * A run started with `redriveFrom` (what POST /runs/:id/redrive sends): the `log` action and
 * the `charge` transform carry the source run's records and do not run; the walk starts at
 * the `notify` action and a condition block after it reads the carried outputs. Writes only
 * test/replay/histories/automation-redrive-from-step.json; never re-record it to make a
 * failing replay pass.
 */
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder } from './recording.ts';

const rec = await openRecorder();
try {
  await rec.connection('conn_log', 'logging');
  const { env, automations } = rec;
  const automation = await automations.create({
    name: 'redrive from a step',
    trigger: { type: 'manual' },
    steps: [
      { id: 'log', type: 'action', connection: 'conn_log', action: 'log', input: { message: 'order {{ input.order }}' } },
      { id: 'charge', type: 'transform', output: { id: 'ch_1', amount: 4200 } },
      { id: 'notify', type: 'action', connection: 'conn_log', action: 'log', input: { message: 'charged {{ steps.charge.output.id }}' } },
      {
        id: 'check',
        type: 'condition',
        if: 'steps.charge.output.amount > 1000',
        then: [{ id: 'receipt', type: 'transform', output: { charge: '{{ steps.charge.output.id }}', logged: '{{ $exists(steps.log.output) }}' } }],
      },
    ],
  });
  const at = '2026-12-06T12:00:00.000Z';
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${automation.id}:redrive:recorded`,
      args: [
        {
          automationId: automation.id,
          version: 1,
          input: { order: 'A-1' },
          trigger: { type: 'manual' },
          redriveOf: `run:${automation.id}:recorded`,
          redriveFrom: {
            fromStep: 'notify',
            steps: [
              { id: 'log', type: 'action', status: 'completed', attempts: 1, output: { logged: true }, startedAt: at, finishedAt: at },
              { id: 'charge', type: 'transform', status: 'completed', attempts: 1, output: { id: 'ch_1', amount: 4200 }, startedAt: at, finishedAt: at },
            ],
            outputs: { log: { output: { logged: true } }, charge: { output: { id: 'ch_1', amount: 4200 } } },
          },
        },
      ],
    });
    console.error('result', JSON.stringify(await handle.result()));
    await rec.save('automation-redrive-from-step.json', handle);
  });
} finally {
  await rec.close();
}
