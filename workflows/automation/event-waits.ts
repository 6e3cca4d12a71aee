/**
 * The events a run is parked on (`wait_for_event` steps) and the `eventDelivered`
 * signal that hands them one. The event router, webhook intake and test events signal
 * the runs an indexed lookup finds (src/automations/event-waits.ts); the run accepts a
 * delivery only for a wait that is open, and each delivery id once per wait, so a
 * redelivered event resumes nothing twice.
 */
import { defineSignal, setHandler } from '@temporalio/workflow';
import type { NormalizedEvent } from '../contracts.ts';
import type { PendingEventWait, WaitedEvent } from './types.ts';

/** What the `eventDelivered` signal carries: the registration it answers and the event. */
export interface EventDelivery {
  /** The registration id, `<workflowId>/<stepId>#<visit>`. */
  waitId: string;
  event: WaitedEvent;
  /**
   * The signaller removes the registration (webhook intake and test events, for a wait
   * without `if`): the run need not (`patched('event-wait-consumed')`). Absent from the
   * event router's signals and older senders.
   */
  consumed?: boolean;
}

export const eventDeliveredSignal = defineSignal<[EventDelivery]>('eventDelivered');

/** The registration id of the `visit`-th execution of a wait step (deterministic, stable across retries). */
export function eventWaitId(workflowId: string, stepId: string, visit: number): string {
  return `${workflowId}/${stepId}#${visit}`;
}

interface OpenWait {
  pending: PendingEventWait;
  /** Deliveries not yet looked at by the step, in arrival order. */
  inbox: EventDelivery[];
  /** Delivery ids seen by this wait (accepted or refused by `if`). */
  seen: Set<string>;
}

export class EventWaitLedger {
  private readonly open = new Map<string, OpenWait>();
  private installed = false;

  /** Opens a wait; the signal handler is installed with the first one (buffered signals arrive then). */
  openWait(waitId: string, pending: PendingEventWait): void {
    this.open.set(waitId, { pending, inbox: [], seen: new Set() });
    if (this.installed) return;
    this.installed = true;
    setHandler(eventDeliveredSignal, (d) => this.deliver(d));
  }

  close(waitId: string): void {
    this.open.delete(waitId);
  }

  /** The next unseen delivery of an open wait, if any. */
  take(waitId: string): EventDelivery | undefined {
    return this.open.get(waitId)?.inbox.shift();
  }

  hasDelivery(waitId: string): boolean {
    return (this.open.get(waitId)?.inbox.length ?? 0) > 0;
  }

  list(): PendingEventWait[] {
    return [...this.open.values()].map((w) => ({ ...w.pending }));
  }

  private deliver(d: EventDelivery): void {
    const w = this.open.get(d.waitId);
    // A wait that closed (resumed, timed out) or a delivery seen before: nothing to do.
    if (!w || w.seen.has(d.event.deliveryId)) return;
    w.seen.add(d.event.deliveryId);
    w.inbox.push(d);
  }
}

/**
 * The text form of a key, on both sides of the match: strings as they are, numbers and
 * booleans as `String(v)` (so `42` matches `"42"`), other JSON values as JSON; nothing
 * (undefined, null) is no key.
 */
export function waitKeyOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** What a waiting run receives of an event (the `wait_for_event` step's output). */
export function waitedEventOf(event: NormalizedEvent): WaitedEvent {
  return { type: event.type, payload: event.payload, deliveryId: event.id, connectionId: event.source.connectionId, receivedAt: event.receivedAt };
}
