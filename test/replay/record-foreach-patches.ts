/**
 * Records the replay histories of loops under the patches `foreach-fast-paths` and
 * `foreach-batch-tokens` (test/replay/histories/foreach-patches, replayed by
 * foreach-patches-replay.test.ts):
 *   node bin/run-ts.mjs test/replay/record-foreach-patches.ts
 * A loop of 6 items at concurrency 3 calling a connector action with an `output` template
 * (fast paths: each action is scheduled without awaits), and a loop of 150 items run in
 * child batches that get the run's token usage (the run and its first batch). Writes only
 * those files; never re-record them to make a failing replay pass.
 */
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder } from './recording.ts';

const rec = await openRecorder();
try {
  await rec.connection('conn_log', 'logging');
  const { env, automations } = rec;
  const small = await automations.create({
    name: 'foreach fast paths',
    trigger: { type: 'manual' },
    steps: [
      { id: 'prefix', type: 'transform', output: 'line' },
      {
        id: 'lines',
        type: 'foreach',
        items: '{{ input.lines }}',
        as: 'line',
        concurrency: 3,
        steps: [
          { id: 'log', type: 'action', connection: 'conn_log', action: 'log', input: { message: '{{ steps.prefix.output }} {{ index }}: {{ line.sku }}' } },
          { id: 'note', type: 'action', connection: 'conn_log', action: 'log', input: { message: '{{ $uppercase(line.sku) }}' }, when: 'line.qty > 1' },
        ],
        output: { sku: '{{ line.sku }}', logged: '{{ steps.log.output.logged }}' },
      },
    ],
  });
  const batched = await automations.create({
    name: 'foreach batched tokens',
    trigger: { type: 'manual' },
    budget: { maxTokens: 1000 },
    steps: [{ id: 'squares', type: 'foreach', items: '{{ input.n }}', concurrency: 4, steps: [{ id: 'sq', type: 'transform', output: '{{ item * item }}' }] }],
  });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const lines = [{ sku: 'a-1', qty: 1 }, { sku: 'b-2', qty: 3 }, { sku: 'c-3', qty: 2 }, { sku: 'd-4', qty: 1 }, { sku: 'e-5', qty: 5 }, { sku: 'f-6', qty: 1 }];
    const loop = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${small.id}:recorded`,
      args: [{ automationId: small.id, version: 1, input: { lines }, trigger: { type: 'manual' } }],
    });
    console.error('foreach result', JSON.stringify(await loop.result()));
    await rec.save('foreach-patches/automation-foreach-fast-paths.json', loop);

    const long = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${batched.id}:recorded`,
      args: [{ automationId: batched.id, version: 1, input: { n: Array.from({ length: 150 }, (_, i) => i) }, trigger: { type: 'manual' } }],
    });
    const result = await long.result();
    console.error('batched count', (result.outputs['squares'] as { count: number }).count);
    await rec.save('foreach-patches/automation-foreach-batched-tokens.json', long);
    await rec.save('foreach-patches/automation-foreach-batch-tokens.json', env.client.workflow.getHandle(`${long.workflowId}/squares[0-99]`));
  });
} finally {
  await rec.close();
}
