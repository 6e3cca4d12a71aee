/**
 * The event router's activity: which automations subscribe to an event. The lookup
 * itself is injected (`SubscriptionResolver`), so the automations module owns the
 * subscription model and tests can route without a database.
 */
import type { NormalizedEvent, Subscriber } from '../workflows/contracts.ts';

/** Finds the automations (pinned versions) an event should start. */
export interface SubscriptionResolver {
  find(event: NormalizedEvent): Promise<Subscriber[]>;
}

/** The resolver until automations provide one: nobody subscribes. */
export const NO_SUBSCRIPTIONS: SubscriptionResolver = { find: async () => [] };

export function createEventRoutingActivities(deps: { subscriptions?: SubscriptionResolver | undefined }) {
  return {
    /** Subscribers of the event, de-duplicated by automation id (first version wins). */
    async findSubscribers(event: NormalizedEvent): Promise<Subscriber[]> {
      const found = await (deps.subscriptions ?? NO_SUBSCRIPTIONS).find(event);
      const seen = new Set<string>();
      return found.filter((s) => !seen.has(s.automationId) && seen.add(s.automationId));
    },
  };
}
