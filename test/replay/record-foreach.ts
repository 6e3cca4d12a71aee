/**
 * Records the replay histories of the `foreach` step:
 *   node bin/run-ts.mjs test/replay/record-foreach.ts
 * A loop of 5 items at concurrency 3 calling a connector action, with a nested condition,
 * loop variables, scoped outputs and an `output` template (automation-foreach.json), and a
 * loop of 150 items run in child batches (automation-foreach-batched.json and its first
 * batch, automation-foreach-batch.json). Writes only those files; never re-record them to
 * make a failing replay pass.
 */
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder } from './recording.ts';

const rec = await openRecorder();
try {
  await rec.connection('conn_log', 'logging');
  const { env, automations } = rec;
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
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const lines = [{ sku: 'a-1', qty: 1 }, { sku: 'b-2', qty: 3 }, { qty: 2 }, { sku: 'd-4', qty: 1 }, { sku: 'e-5', qty: 5 }];
    const loop = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${small.id}:recorded`,
      args: [{ automationId: small.id, version: 1, input: { lines }, trigger: { type: 'manual' } }],
    });
    console.error('foreach result', JSON.stringify(await loop.result()));
    await rec.save('automation-foreach.json', loop);

    const long = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${batched.id}:recorded`,
      args: [{ automationId: batched.id, version: 1, input: { n: Array.from({ length: 150 }, (_, i) => i) }, trigger: { type: 'manual' } }],
    });
    const result = await long.result();
    console.error('batched count', (result.outputs['squares'] as { count: number }).count);
    await rec.save('automation-foreach-batched.json', long);
    const batch = env.client.workflow.getHandle(`${long.workflowId}/squares[0-99]`);
    await rec.save('automation-foreach-batch.json', batch);
  });
} finally {
  await rec.close();
}
