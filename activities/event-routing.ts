/**
 * The event router's activities: which automations subscribe to an event and (since
 * `wait_for_event`) which parked runs it resumes, in one activity so an event that wakes
 * nobody costs no more activities than before. The look-ups are injected
 * (`SubscriptionResolver`, `EventWaiterFinder`), so the automations module owns the
 * models and tests can route without a database.
 */
import { activityInfo, Context } from '@temporalio/activity';
import { collectEvent, type CollectTarget } from '../src/automations/collect.ts';
import type { EventRoute, EventWaiter, NormalizedEvent, Subscriber } from '../workflows/contracts.ts';

/** A subscriber as the resolver finds it: with `collect` when it debounces or batches (no run of its own). */
export interface SubscriberMatch extends Subscriber {
  collect?: CollectTarget | undefined;
}

/** Finds the automations (pinned versions) an event should start. */
export interface SubscriptionResolver {
  find(event: NormalizedEvent): Promise<SubscriberMatch[]>;
}

/** Hands an event to a debounced or batched automation's collector (default: signal-with-start with the worker's client). */
export type EventCollector = (target: CollectTarget, event: NormalizedEvent, version: number) => Promise<void>;

const collectWithWorkerClient: EventCollector = (target, event, version) => collectEvent(Context.current().client, activityInfo().taskQueue, target, event, version);

/** The resolver until automations provide one: nobody subscribes. */
export const NO_SUBSCRIPTIONS: SubscriptionResolver = { find: async () => [] };

/** Finds the runs parked on a `wait_for_event` step that an event matches. */
export interface EventWaiterFinder {
  find(event: NormalizedEvent): Promise<EventWaiter[]>;
}

export function createEventRoutingActivities(deps: { subscriptions?: SubscriptionResolver | undefined; waiters?: EventWaiterFinder | undefined; collect?: EventCollector | undefined }) {
  /**
   * Subscribers of the event that start a run of their own, de-duplicated by automation id
   * (first version wins). Debounced and batched ones get the event through their collector
   * here (before the answer, so a failure retries the activity; a collector counts a
   * re-sent event once) and are not in the answer.
   */
  async function findSubscribers(event: NormalizedEvent): Promise<Subscriber[]> {
    const found = await (deps.subscriptions ?? NO_SUBSCRIPTIONS).find(event);
    const seen = new Set<string>();
    const unique = found.filter((s) => !seen.has(s.automationId) && seen.add(s.automationId));
    const collected = unique.filter((s) => s.collect);
    await Promise.all(collected.map((s) => (deps.collect ?? collectWithWorkerClient)(s.collect!, event, s.version)));
    return unique.filter((s) => !s.collect).map((s) => ({ automationId: s.automationId, version: s.version }));
  }
  return {
    findSubscribers,
    /** Subscribers and waiting runs of the event (routers that recorded the `event-waits` patch); `waiters: false` when intake signalled them. */
    async routeEvent(event: NormalizedEvent, opts: { waiters?: boolean } = {}): Promise<EventRoute> {
      const lookWaiters = opts.waiters !== false && deps.waiters;
      const [subscribers, waiters] = await Promise.all([findSubscribers(event), lookWaiters ? lookWaiters.find(event) : []]);
      return { subscribers, waiters };
    },
  };
}
