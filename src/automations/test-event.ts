/**
 * Test events: a run of a webhook automation started from a sample payload instead of a
 * provider delivery. The run is shaped exactly like one the intake starts (trigger
 * `webhook`, input = payload, the event's search attributes), with `test: true` on the
 * trigger so runs, templates and people can tell it apart. The sample must pass the
 * automation's own subscription (event pattern and `filter`): a test never starts a run
 * that a real delivery of the same event would not.
 */
import { Connection } from '../db/entities/index.ts';
import { badRequest, conflict } from '../errors.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import { signalEventWaiters } from './event-waits.ts';
import { eventTypeMatches, subscriptionMatches } from './resolver.ts';
import { startRun, type StartedRun } from './runs.ts';
import type { AutomationService } from './service.ts';

/** Delivery ids of test events start with this, so they never collide with a provider's. */
export const TEST_EVENT_ID_PREFIX = 'test-';

/** The event type a test sends when none is given: the first exact pattern, else `<connector>.test`. */
export function defaultTestEventType(events: readonly string[], connector: string): string {
  return events.find((p) => !p.includes('*')) ?? `${connector}.test`;
}

export async function sendTestEvent(
  services: Services,
  automations: AutomationService,
  automationId: string,
  body: { payload: unknown; type?: string | undefined },
): Promise<StartedRun & { event: { id: string; type: string }; resumed?: string[] }> {
  if (body.payload === undefined) throw badRequest('payload is required', [{ path: 'body.payload', message: 'required: the sample webhook payload' }]);
  const automation = await automations.get(automationId);
  const def = automation.definition as unknown as AutomationDefinition;
  const trigger = def.trigger;
  if (trigger.type !== 'webhook') throw conflict(`automation ${automationId} is triggered by ${trigger.type}, not by a webhook; start it with POST /automations/${automationId}/runs`);
  const connection = await services.orm.em.fork().findOne(Connection, { id: trigger.connection });
  if (!connection) throw conflict(`the trigger's connection ${trigger.connection} no longer exists`);
  const type = body.type ?? defaultTestEventType(trigger.events, connection.connector);
  if (!trigger.events.some((p) => eventTypeMatches(p, type))) {
    throw badRequest(`event type ${type} matches none of the trigger's events`, [{ path: 'body.type', message: `must match one of ${trigger.events.join(', ')}` }]);
  }
  const event: NormalizedEvent = {
    type,
    id: TEST_EVENT_ID_PREFIX + nanoid(12),
    source: { connector: connection.connector, connectionId: connection.id },
    payload: body.payload,
    receivedAt: new Date().toISOString(),
    headers: {},
  };
  if (trigger.filter && !(await subscriptionMatches(def, event, automationId))) {
    throw badRequest("the trigger's filter is false for this payload: a delivery like it would start no run", [{ path: 'body.payload', message: `filter ${trigger.filter} is false` }]);
  }
  const run = await startRun(services, automations, automationId, { input: body.payload, trigger: { type: 'webhook', event, test: true } });
  // Like a delivery, a test event resumes the runs parked on it (wait_for_event).
  const { waiters: resumed } = await signalEventWaiters(services.temporal.client, services.orm, event, services.logger);
  return { ...run, event: { id: event.id, type }, ...(resumed.length ? { resumed: resumed.map((w) => w.workflowId) } : {}) };
}
