/**
 * Records the replay histories of flow control's patched commands:
 *   node bin/run-ts.mjs test/replay/record-flow-control.ts
 * Three runs of an automation with `concurrency: { limit: 1, key: '{{ input.customer }}' }`
 * for one customer: the first holds the slot through a `wait` (real seconds: a running close
 * watch stops time skipping), the second and third queue behind it, their requests carrying
 * their start times (`concurrency-fifo-start` in the keeper), and each run sets
 * `SwitchboardConcurrencyKey` (`concurrency-key-attribute`). Writes only
 * test/replay/histories/flow-control/run-concurrency-key.json (the second run) and
 * test/replay/histories/flow-control/keeper-fifo.json (its keeper). Never re-record them to
 * make a failing replay pass.
 */
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import { concurrencyKeeperId, concurrencyQueueQuery, concurrencyWatchQueue } from '../../workflows/automation/concurrency-contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder, until } from './recording.ts';

const rec = await openRecorder();

try {
  const { env, automations } = rec;
  const automation = await automations.create({
    name: 'one per customer, in start order',
    concurrency: { limit: 1, key: '{{ input.customer }}' },
    trigger: { type: 'manual' },
    steps: [
      { id: 'hold', type: 'wait', duration: '3s' },
      { id: 'done', type: 'transform', output: '{{ input.n }}' },
    ],
  });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  const watcher = await rec.worker(concurrencyWatchQueue(taskQueue));
  await Promise.all([
    watcher.runUntil(async () => {
      await worker.runUntil(async () => {
        const start = (n: number) =>
          env.client.workflow.start(automationWorkflow, {
            taskQueue,
            workflowId: `run:${automation.id}:recorded-${n}`,
            args: [{ automationId: automation.id, version: 1, input: { customer: 'acme', n }, trigger: { type: 'manual' } }],
          });
        const first = await start(1);
        await until(async () => (await first.query(runStateQuery)).concurrency?.status === 'running');
        const keeper = env.client.workflow.getHandle(concurrencyKeeperId(automation.id, 'acme'));
        const second = await start(2);
        const third = await start(3);
        await until(async () => {
          const q = (await keeper.query(concurrencyQueueQuery).catch(() => undefined))?.queue;
          return q?.length === 2 && q[0] === second.workflowId && q[1] === third.workflowId;
        });
        console.error('results', JSON.stringify(await first.result()), JSON.stringify(await second.result()), JSON.stringify(await third.result()));
        await keeper.result(); // closes after KEEPER_IDLE with nobody holding or waiting
        await rec.save('flow-control/run-concurrency-key.json', second);
        await rec.save('flow-control/keeper-fifo.json', keeper);
      });
    }),
  ]);
} finally {
  await rec.close();
}
