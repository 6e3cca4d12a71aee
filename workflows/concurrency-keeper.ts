/**
 * `concurrencyKeeperWorkflow`: the slots of one automation and concurrency key
 * (docs/concepts/flow-control.md). Runs ask for a slot with `concurrencyRequestSlot`
 * (signal-with-start, so the keeper exists while anyone asks); the keeper grants slots in
 * FIFO order of the runs' start times by signalling `concurrencySlotGranted` to the run, and frees a slot when the
 * holder closes, however it closes: for every holder it runs `awaitRunClosed`, an activity
 * on the watchers' own queue that long-polls the run's close event (completed, failed,
 * cancelled, timed out or terminated) and heartbeats while it waits. Everything is in the
 * keeper's history, so a worker, API or Temporal restart loses no waiter and no holder; a
 * lost watcher is retried after its heartbeat timeout. No timer polls.
 *
 * An idle keeper (nobody holding or waiting) closes after {@link KEEPER_IDLE}; a later
 * request starts it again. Long keepers continue as new with their holders and queue.
 */
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { CONCURRENCY_FIFO_PATCH } from '../src/temporal/constants.ts';
import type { Activities } from '../activities/index.ts';
import { CONCURRENCY_WATCH_ACTIVITY_OPTIONS } from './activity-options.ts';
import {
  concurrencyQueueQuery,
  concurrencyWatchQueue,
  requestSlotSignal,
  slotGrantedSignal,
  type ConcurrencyKeeperInput,
} from './automation/concurrency-contracts.ts';

/** How long a keeper with nobody holding or waiting stays open for the next request. */
export const KEEPER_IDLE = '1 minute';

export async function concurrencyKeeperWorkflow(input: ConcurrencyKeeperInput): Promise<void> {
  const { awaitRunClosed } = proxyActivities<Activities>({ ...CONCURRENCY_WATCH_ACTIVITY_OPTIONS, taskQueue: concurrencyWatchQueue(workflowInfo().taskQueue) });
  let limit = input.limit;
  const holders = new Set(input.holders ?? []);
  const queue = [...(input.queue ?? [])];
  const startedAt = new Map(Object.entries(input.startedAt ?? {}));
  setHandler(requestSlotSignal, (req) => {
    limit = req.limit;
    if (holders.has(req.workflowId) || queue.includes(req.workflowId)) return;
    if (req.startedAt === undefined || !patched(CONCURRENCY_FIFO_PATCH)) {
      queue.push(req.workflowId);
      return;
    }
    // FIFO by start: behind every waiter that started no later (waiters without a time count as earlier).
    startedAt.set(req.workflowId, req.startedAt);
    let at = queue.length;
    while (at > 0 && (startedAt.get(queue[at - 1]!) ?? -Infinity) > req.startedAt) at--;
    queue.splice(at, 0, req.workflowId);
  });
  setHandler(concurrencyQueueQuery, () => ({ limit, holders: [...holders], queue: [...queue] }));

  const watch = (workflowId: string): void => {
    // Whatever the watch ends with (the run closed, or it is gone), the slot is free.
    void awaitRunClosed({ workflowId })
      .catch(() => undefined)
      .then(() => holders.delete(workflowId));
  };
  for (const id of holders) watch(id);

  const long = (): boolean => workflowInfo().continueAsNewSuggested;
  for (;;) {
    while (queue.length > 0 && holders.size < limit) {
      const next = queue.shift()!;
      startedAt.delete(next);
      try {
        await getExternalWorkflowHandle(next).signal(slotGrantedSignal);
      } catch {
        continue; // closed (cancelled or terminated while it waited): its turn passes
      }
      holders.add(next);
      watch(next);
    }
    if (long()) {
      await condition(allHandlersFinished);
      const times = Object.fromEntries(queue.flatMap((id) => (startedAt.has(id) ? [[id, startedAt.get(id)!]] : [])));
      await continueAsNew<typeof concurrencyKeeperWorkflow>({ ...input, limit, holders: [...holders], queue: [...queue], startedAt: Object.keys(times).length ? times : undefined });
    }
    if (holders.size === 0 && queue.length === 0) {
      if (!(await condition(() => queue.length > 0, KEEPER_IDLE))) {
        await condition(allHandlersFinished);
        if (queue.length === 0) return;
      }
      continue;
    }
    await condition(() => (queue.length > 0 && holders.size < limit) || (queue.length === 0 && holders.size === 0) || long());
  }
}
