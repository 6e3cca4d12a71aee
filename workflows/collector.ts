/**
 * The collector workflow: one per debounced or batched automation and rendered key
 * (`collect:<mode>:<automationId>:<key>`), started and fed by signal-with-start from the
 * event router's `routeEvent` activity (src/automations/collect.ts). It holds the open
 * window and starts the automation run as an abandoned child when the window closes:
 *
 * - `debounce`: once no event came for `windowMs` (or `maxWaitMs` after the window's first
 *   event), one run with the last event and `trigger.debounced: <count>`;
 * - `batch`: once `maxSize` events are in (or `windowMs` after the first), one run with
 *   `trigger.events` (at most `maxSize`; a batch whose payloads pass {@link MAX_BATCH_BYTES}
 *   goes early, so the run's input stays within Temporal's payload limit).
 *
 * New events do not cancel and restart a timer (the window's deadline is re-read when its
 * timer fires), so a burst costs one signal event per event, not a timer each. The history
 * stays bounded: past {@link DEFAULT_COLLECTOR_HISTORY_LIMIT} events (or when the server
 * suggests it) the window continues as new, carrying its state. With no event left it
 * completes; the next event starts it again.
 */
import { condition, continueAsNew, defineSignal, patched, setCurrentDetails, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { COLLECTED_RUN_PRIORITY_PATCH, eventWorkflowId, runWorkflowId, WORKFLOW_TYPES } from '../src/temporal/constants.ts';
import type { AutomationRunInput, CollectedEvent, CollectorInput, CollectorState } from './contracts.ts';
import { runSearchAttributes } from './automation/run-attributes.ts';
import { SA } from '../src/temporal/search-attributes.ts';
import { declareVersioningBehavior } from './versioning.ts';

/** Hands one event to a collector (sent with signal-with-start). */
export const collectEventSignal = defineSignal<[CollectedEvent]>('collectEvent');

/** History length after which a collector continues as new (unless the server suggests it earlier). */
export const DEFAULT_COLLECTOR_HISTORY_LIMIT = 2_000;

/** Event ids a collector remembers, so a signal sent twice (a retried activity) is counted once. */
export const COLLECTOR_SEEN_LIMIT = 1_000;

/** A batch whose payloads (as JSON) reach this many characters starts its run before `maxSize`. */
export const MAX_BATCH_BYTES = 1_000_000;

export interface CollectorResult {
  /** Runs this execution started (since its last continue-as-new). */
  runs: number;
}

const sizeOf = (item: CollectedEvent): number => JSON.stringify(item.event.payload ?? null).length;

/** Versioned workers: AUTO_UPGRADE (a collector is short-lived; changes to its commands need `patched()`). */
export async function eventCollectorWorkflow(input: CollectorInput): Promise<CollectorResult> {
  const s: CollectorState = input.state ?? { pending: [], count: 0, firstAt: 0, lastAt: 0, seen: [] };
  const seen = new Set(s.seen);
  let bytes = s.pending.reduce((n, i) => n + sizeOf(i), 0);
  const debounce = input.mode === 'debounce';
  const maxSize = input.maxSize ?? 1;

  setHandler(collectEventSignal, (item) => {
    if (seen.has(item.event.id)) return;
    seen.add(item.event.id);
    s.seen.push(item.event.id);
    if (s.seen.length > COLLECTOR_SEEN_LIMIT) seen.delete(s.seen.shift()!);
    const now = Date.now();
    if (s.pending.length === 0) s.firstAt = now;
    s.lastAt = now;
    s.count++;
    // Signals of deliveries close together may arrive out of order (each comes through its own
    // event workflow): "last" and the batch's order are by the time intake received them.
    if (debounce) {
      if (!s.pending[0] || item.event.receivedAt >= s.pending[0].event.receivedAt) s.pending = [item];
    } else {
      let at = s.pending.length;
      while (at > 0 && s.pending[at - 1]!.event.receivedAt > item.event.receivedAt) at--;
      s.pending.splice(at, 0, item);
      bytes += sizeOf(item);
    }
  });

  const tooLong = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= (input.historyLimit ?? DEFAULT_COLLECTOR_HISTORY_LIMIT);
  };
  const full = (): boolean => !debounce && (s.pending.length >= maxSize || bytes >= MAX_BATCH_BYTES);
  let runs = 0;

  const fire = async (): Promise<void> => {
    const items = debounce ? s.pending.splice(0) : s.pending.splice(0, maxSize);
    const count = debounce ? s.count : items.length;
    s.count -= count;
    bytes = s.pending.reduce((n, i) => n + sizeOf(i), 0);
    s.firstAt = Date.now(); // what is left starts a new window now
    const first = items[0]!;
    const last = items[items.length - 1]!;
    // Named after the delivery whose event it carries, so the events list shows the run with it.
    const carried = debounce ? last : first;
    const namesake = carried.event;
    const workflowId = runWorkflowId(input.automationId, eventWorkflowId(namesake.source.connector, namesake.source.connectionId, namesake.id));
    const args: AutomationRunInput = {
      automationId: input.automationId,
      version: last.version,
      input: debounce ? last.event.payload : items.map((i) => i.event.payload),
      trigger: debounce ? { type: 'webhook', event: last.event, debounced: count } : { type: 'webhook', event: first.event, events: items.map((i) => i.event) },
      attributesAtStart: true,
      ...(last.actionQueues ? { actionQueues: last.actionQueues } : {}),
    };
    setCurrentDetails(`Starting a run of ${count} ${debounce ? 'debounced' : 'batched'} event(s): \`${workflowId}\``);
    try {
      await startChild(WORKFLOW_TYPES.automation, {
        workflowId,
        args: [args],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `${input.automationId} v${last.version} ← ${count} ${debounce ? 'debounced' : 'batched'} ${namesake.type}`,
        typedSearchAttributes: [...runSearchAttributes(args), { key: SA.triggerKey, value: input.key }],
        // The namesake event's priority and fairness key (only automations with either carry one).
        ...(carried.priority && patched(COLLECTED_RUN_PRIORITY_PATCH) ? { priority: carried.priority } : {}),
      });
    } catch (err) {
      // Only when the same delivery closed two windows (a signal retried across them): its run exists.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    runs++;
  };

  for (;;) {
    if (s.pending.length === 0) return { runs };
    if (full()) {
      await fire();
      continue;
    }
    if (tooLong()) return continueAsNew<typeof eventCollectorWorkflow>({ ...input, state: s });
    const deadline = debounce ? Math.min(s.lastAt + input.windowMs, input.maxWaitMs !== undefined ? s.firstAt + input.maxWaitMs : Infinity) : s.firstAt + input.windowMs;
    const now = Date.now();
    if (now >= deadline) {
      await fire();
      continue;
    }
    setCurrentDetails(`Collecting: ${s.count} event(s) for key \`${input.key}\`, window closes at ${new Date(deadline).toISOString()} unless more arrive.`);
    // Woken by the deadline, a full batch or a long history; a debounced event only moves
    // `lastAt`, read again when the timer fires.
    await condition(() => full() || tooLong(), deadline - now);
  }
}
declareVersioningBehavior('AUTO_UPGRADE', eventCollectorWorkflow);
