/** What templates see as `trigger`. Pure module: the run (workflow.ts) and starters that render start-time templates share it. */
import type { AutomationRunInput } from '../contracts.ts';

/** The trigger plus, for webhooks, the event's fields. */
export function triggerView(trigger: AutomationRunInput['trigger']): Record<string, unknown> {
  if (trigger.type === 'webhook') {
    const e = trigger.event;
    return { type: 'webhook', event: e.type, id: e.id, source: e.source, payload: e.payload, receivedAt: e.receivedAt, headers: e.headers ?? {} };
  }
  return { ...trigger };
}
