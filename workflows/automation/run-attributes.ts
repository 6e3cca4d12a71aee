/**
 * The search attributes of an automation run, in one place: starters pass them as
 * start options (`attributesAtStart`), and runs started without them upsert the same
 * list. Pure module: workflows import it.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { AutomationRunInput } from '../contracts.ts';
import { SA } from '../../src/temporal/search-attributes.ts';

/** Automation, version, trigger, status `running` and, for webhook runs, the event's source and type. */
export function runSearchAttributes(input: Pick<AutomationRunInput, 'automationId' | 'version' | 'trigger' | 'redriveOf'>): SearchAttributePair[] {
  return [
    { key: SA.automationId, value: input.automationId },
    { key: SA.automationVersion, value: input.version },
    { key: SA.triggerType, value: input.trigger.type },
    { key: SA.status, value: 'running' },
    ...(input.trigger.type === 'webhook'
      ? [
          { key: SA.connector, value: input.trigger.event.source.connector },
          { key: SA.connectionId, value: input.trigger.event.source.connectionId },
          { key: SA.eventType, value: input.trigger.event.type },
        ]
      : []),
    // Only re-drives carry it, and they set their attributes at start (never upserted).
    ...(input.redriveOf !== undefined ? [{ key: SA.redriveOf, value: input.redriveOf }] : []),
  ];
}
