import { defineEntity, p } from '@mikro-orm/core';

/**
 * A webhook delivery recorded in the database instead of by an event workflow: one whose
 * only effect was resuming runs parked on `wait_for_event` (no automation subscribed to
 * it). Its effect is durable in the resumed runs' histories (their signal carries the
 * event); this row is what the events API lists and what a redelivery is recognised by,
 * for the dedupe window, then purged. See src/automations/event-records.ts.
 */
export const EventRecordSchema = defineEntity({
  name: 'EventRecord',
  tableName: 'event_records',
  indexes: [{ properties: ['connectionId', 'receivedAt'] }],
  properties: {
    /** The event id, `wh:<connector>:<connectionId>:<deliveryId>`. */
    id: p.string().primary().length(512),
    connector: p.string().length(255),
    connectionId: p.string().length(255),
    type: p.string().length(255),
    receivedAt: p.datetime().index(),
    /** The normalised event as intake built it (payload, headers, source). */
    event: p.json<Record<string, unknown>>(),
    /** Workflow ids of the runs it resumed. */
    resumed: p.json<string[]>(),
  },
});
export class EventRecord extends EventRecordSchema.class {}
EventRecordSchema.setClass(EventRecord);
