/**
 * The event router's activities: which automations subscribe to an event and (since
 * `wait_for_event`) which parked runs it resumes, in one activity so an event that wakes
 * nobody costs no more activities than before. The look-ups are injected
 * (`SubscriptionResolver`, `EventWaiterFinder`), so the automations module owns the
 * models and tests can route without a database.
 */
import type { EventRoute, EventWaiter, NormalizedEvent, Subscriber } from '../workflows/contracts.ts';

/** Finds the automations (pinned versions) an event should start. */
export interface SubscriptionResolver {
  find(event: NormalizedEvent): Promise<Subscriber[]>;
}

/** The resolver until automations provide one: nobody subscribes. */
export const NO_SUBSCRIPTIONS: SubscriptionResolver = { find: async () => [] };

/** Finds the runs parked on a `wait_for_event` step that an event matches. */
export interface EventWaiterFinder {
  find(event: NormalizedEvent): Promise<EventWaiter[]>;
}

export function createEventRoutingActivities(deps: { subscriptions?: SubscriptionResolver | undefined; waiters?: EventWaiterFinder | undefined }) {
  /** Subscribers of the event, de-duplicated by automation id (first version wins). */
  async function findSubscribers(event: NormalizedEvent): Promise<Subscriber[]> {
    const found = await (deps.subscriptions ?? NO_SUBSCRIPTIONS).find(event);
    const seen = new Set<string>();
    return found.filter((s) => !seen.has(s.automationId) && seen.add(s.automationId));
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
