/**
 * How an event workflow is started, shared by the webhook endpoint and the TS
 * client: id from the delivery id, search attributes, and a readable summary.
 */
import type { NormalizedEvent } from '../../connectors/sdk/events.ts';
import type { EventRouteOptions } from '../../workflows/contracts.ts';
import { eventWorkflowId } from './constants.ts';
import type { IdempotentStartOptions } from './idempotent-start.ts';
import { SA } from './search-attributes.ts';

export function eventStartOptions(event: NormalizedEvent, taskQueue: string, summary: string, route?: EventRouteOptions): IdempotentStartOptions & { workflowId: string } {
  return {
    taskQueue,
    workflowId: eventWorkflowId(event.source.connector, event.source.connectionId, event.id),
    args: route ? [event, route] : [event],
    staticSummary: summary,
    staticDetails: [`**Event** \`${event.id}\``, `**Source** ${event.source.connector} \`${event.source.connectionId}\``, `**Received** ${event.receivedAt}`].join('\n\n'),
    typedSearchAttributes: [
      { key: SA.connector, value: event.source.connector },
      { key: SA.connectionId, value: event.source.connectionId },
      { key: SA.eventType, value: event.type },
    ],
  };
}
