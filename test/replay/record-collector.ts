/**
 * Records the replay histories of the collector workflow (debounce and batch):
 *   node bin/run-ts.mjs test/replay/record-collector.ts
 * Debounce: 12 events for one key through signal-with-start, with a history limit small
 * enough that the window continues as new once, then the run with the last event starts
 * when the period elapses. Batch: 7 events with `maxSize: 3` (two full batches) and the
 * last one after the timeout. Writes only test/replay/histories/collector/*.json. Never
 * re-record them to make a failing replay pass.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { CollectorInput, NormalizedEvent } from '../../workflows/contracts.ts';
import { collectEventSignal, eventCollectorWorkflow } from '../../workflows/collector.ts';
import { openRecorder } from './recording.ts';

const rec = await openRecorder();

const edited = (n: number): NormalizedEvent => ({
  type: 'github.issues.edited',
  id: `d-${n}`,
  source: { connector: 'github', connectionId: 'conn_gh' },
  payload: { action: 'edited', issue: { number: 42, title: `title ${n}` } },
  receivedAt: new Date(Date.UTC(2026, 11, 6, 12, 0, n)).toISOString(),
  headers: {},
});

try {
  const { env, automations } = rec;
  await rec.connection('conn_gh', 'github', {}, { webhookSecret: 'recorded' });
  const debounced = await automations.create({ name: 'debounced', trigger: { type: 'webhook', connection: 'conn_gh', events: ['github.issues.edited'] }, debounce: { key: '{{ trigger.payload.issue.number }}', period: '30s' }, steps: [{ id: 'seen', type: 'transform', output: '{{ trigger.debounced }}' }] });
  const batched = await automations.create({ name: 'batched', trigger: { type: 'webhook', connection: 'conn_gh', events: ['github.issues.*'] }, batch: { maxSize: 3, timeout: '10s' }, steps: [{ id: 'seen', type: 'transform', output: '{{ $count(trigger.events) }}' }] });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const feed = async (workflowId: string, input: CollectorInput, events: NormalizedEvent[]): Promise<WorkflowHandle[]> => {
      const runIds: string[] = [];
      for (const event of events) {
        const h = await env.client.workflow.signalWithStart(eventCollectorWorkflow, { taskQueue, workflowId, args: [input], signal: collectEventSignal, signalArgs: [{ event, version: 1 }] });
        if (!runIds.includes(h.signaledRunId)) runIds.push(h.signaledRunId);
      }
      console.error('result', workflowId, JSON.stringify(await env.client.workflow.getHandle(workflowId).result()));
      return runIds.map((id) => env.client.workflow.getHandle(workflowId, id));
    };
    const all = Array.from({ length: 12 }, (_, i) => edited(i + 1));
    const d = await feed(`collect:debounce:${debounced.id}:42`, { automationId: debounced.id, mode: 'debounce', key: '42', windowMs: 30_000, historyLimit: 20 }, all);
    await rec.save('collector/debounce-1.json', d[0]!);
    // The execution after the continue-as-new (signals after it went to the new run).
    const latest = env.client.workflow.getHandle(`collect:debounce:${debounced.id}:42`);
    await rec.save('collector/debounce-2.json', latest);
    const b = await feed(`collect:batch:${batched.id}`, { automationId: batched.id, mode: 'batch', key: '', windowMs: 10_000, maxSize: 3 }, all.slice(0, 7));
    await rec.save('collector/batch.json', b[0]!);
  });
} finally {
  await rec.close();
}
