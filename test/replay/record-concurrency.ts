/**
 * Records the replay histories of concurrency keys:
 *   node bin/run-ts.mjs test/replay/record-concurrency.ts
 * Two runs of an automation with `concurrency: { limit: 1, key: '{{ input.customer }}' }`
 * for the same customer: the first holds the slot through a `wait` (real seconds: a running close watch stops time skipping), the second queues
 * behind it and starts when the first closes. Writes only
 * test/replay/histories/automation-concurrency.json (the queued run) and
 * test/replay/histories/concurrency/keeper.json (its keeper). Never re-record them to make
 * a failing replay pass.
 */
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import { concurrencyKeeperId, concurrencyQueueQuery, concurrencyWatchQueue } from '../../workflows/automation/concurrency-contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder, until } from './recording.ts';

const rec = await openRecorder();

try {
  const { env, automations } = rec;
  const automation = await automations.create({
    name: 'one per customer',
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
        const second = await start(2);
        const keeper = env.client.workflow.getHandle(concurrencyKeeperId(automation.id, 'acme'));
        await until(async () => (await keeper.query(concurrencyQueueQuery).catch(() => undefined))?.queue.includes(second.workflowId));
        console.error('second', JSON.stringify((await second.query(runStateQuery)).concurrency));
        console.error('results', JSON.stringify(await first.result()), JSON.stringify(await second.result()));
        await keeper.result(); // closes after KEEPER_IDLE with nobody holding or waiting
        await rec.save('automation-concurrency.json', second);
        await rec.save('concurrency/keeper.json', keeper);
      });
    }),
  ]);
} finally {
  await rec.close();
}
