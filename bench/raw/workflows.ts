/**
 * The raw Temporal versions of the benchmark's jobs: what a hand-written integration
 * would do. `rawFlow`: one activity that writes a log line (the webhook flow);
 * `rawTenSteps`: ten of them in sequence; `rawApproval`: waits (with a timeout, like
 * an approval step) until an update decides it.
 */
import { condition, defineSignal, defineUpdate, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RawActivities, RawLockActivities } from './activities.ts';

const { logIssue } = proxyActivities<RawActivities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 5 } });
const { acquireRawLock } = proxyActivities<RawLockActivities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } });

export async function rawFlow(event: { delivery: string; payload: { issue?: { number?: number } } }): Promise<{ logged: true; at: string }> {
  return logIssue({ message: `issue ${event.payload.issue?.number ?? '?'} opened`, delivery: event.delivery });
}

export async function rawTenSteps(args: { delivery: string }): Promise<{ logged: true; at: string }[]> {
  const results = [];
  for (let step = 1; step <= 10; step++) results.push(await logIssue({ message: `step ${step}`, delivery: args.delivery }));
  return results;
}

export interface RawDecision {
  approver: string;
  decision: 'approve' | 'reject';
}

export const rawDecide = defineUpdate<RawDecision & { decidedAt: string }, [RawDecision]>('decide');

export async function rawApproval(args: { timeoutMs: number }): Promise<RawDecision & { decidedAt: string }> {
  let decided: (RawDecision & { decidedAt: string }) | undefined;
  setHandler(rawDecide, (d) => (decided = { ...d, decidedAt: new Date().toISOString() }), {
    validator: (_decision: RawDecision) => {
      if (decided) throw new Error('already decided');
    },
  });
  if (!(await condition(() => decided !== undefined, args.timeoutMs))) throw new Error('approval timed out');
  return decided!;
}

/** `rawForeach`: one activity per item, `concurrency` at a time, results in input order (the foreach bench's baseline). */
export async function rawForeach(args: { items: number[]; concurrency: number; delivery: string }): Promise<{ logged: true; at: string }[]> {
  const results = new Array<{ logged: true; at: string }>(args.items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < args.items.length) {
      const i = next++;
      results[i] = await logIssue({ message: `item ${args.items[i]}`, delivery: args.delivery });
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, args.items.length) }, worker));
  return results;
}

export const rawEvent = defineSignal<[{ type: string; payload: unknown; deliveryId: string }]>('event');

/** Parks until the `event` signal (sent to an id derived from the key) or the timeout: the hand-written `wait_for_event`. */
export async function rawWaitForEvent(args: { timeoutMs: number }): Promise<{ type: string; payload: unknown; deliveryId: string } | { timedOut: true }> {
  let received: { type: string; payload: unknown; deliveryId: string } | undefined;
  setHandler(rawEvent, (e) => void (received ??= e));
  return (await condition(() => received !== undefined, args.timeoutMs)) ? received! : { timedOut: true };
}

/** The raw mutex's signals: `acquire` (a run asks for the slot), `release` (the holder is done), `granted` (to the run). */
export const rawAcquire = defineSignal<[{ workflowId: string }]>('acquire');
export const rawRelease = defineSignal<[{ workflowId: string }]>('release');
export const rawGranted = defineSignal('granted');

/**
 * The hand-written per-key mutex (the shape of Temporal's mutex/semaphore samples): one
 * long-lived workflow per key, started by the first `acquire` (signal-with-start), grants
 * the slot to waiting runs in the order their `acquire` signals arrived by signalling
 * `granted`, and takes it back on the holder's `release`. Closes after a minute idle.
 */
export async function rawLock(): Promise<void> {
  const queue: string[] = [];
  let holder: string | undefined;
  setHandler(rawAcquire, ({ workflowId }) => void queue.push(workflowId));
  setHandler(rawRelease, ({ workflowId }) => {
    if (holder === workflowId) holder = undefined;
  });
  for (;;) {
    if (!(await condition(() => queue.length > 0, '1 minute'))) return;
    holder = queue.shift()!;
    try {
      await getExternalWorkflowHandle(holder).signal(rawGranted);
    } catch {
      holder = undefined; // the run is gone: next in line
      continue;
    }
    await condition(() => holder === undefined);
  }
}

/** A run under the raw mutex: acquire (an activity doing signal-with-start), wait for the grant, one activity, release. */
export async function rawLockedFlow(args: { key: string; delivery: string; message: string }): Promise<{ logged: true; at: string }> {
  let granted = false;
  setHandler(rawGranted, () => void (granted = true));
  const lockId = `raw-lock:${args.key}`;
  const { workflowId } = workflowInfo();
  await acquireRawLock({ lockId, workflowId });
  await condition(() => granted);
  try {
    return await logIssue({ message: args.message, delivery: args.delivery });
  } finally {
    await getExternalWorkflowHandle(lockId).signal(rawRelease, { workflowId });
  }
}
