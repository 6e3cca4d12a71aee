/** What templates see as `trigger`. Pure module: the run (workflow.ts) and starters that render start-time templates share it. */
import type { AutomationRunInput } from '../contracts.ts';

/** The trigger plus, for webhooks, the event's fields. */
export function triggerView(trigger: AutomationRunInput['trigger']): Record<string, unknown> {
  if (trigger.type === 'webhook') {
    const e = trigger.event;
    const view = (ev: typeof e) => ({ event: ev.type, id: ev.id, source: ev.source, payload: ev.payload, receivedAt: ev.receivedAt, headers: ev.headers ?? {} });
    // Collected runs (workflows/collector.ts) also see how many were debounced, or the batch.
    return {
      type: 'webhook',
      ...view(e),
      ...(trigger.debounced !== undefined ? { debounced: trigger.debounced } : {}),
      ...(trigger.events ? { events: trigger.events.map(view) } : {}),
    };
  }
  return { ...trigger };
}
