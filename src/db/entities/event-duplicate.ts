import { defineEntity, p } from '@mikro-orm/core';

/**
 * How often a recorded webhook delivery arrived again (same delivery id, answered 200
 * with the same ids). Written only on the duplicate path, so first deliveries never
 * touch the database; the events API joins it in as `duplicates`.
 */
export const EventDuplicateSchema = defineEntity({
  name: 'EventDuplicate',
  tableName: 'event_duplicates',
  properties: {
    /** The event id, `wh:<connector>:<connectionId>:<deliveryId>`. */
    eventId: p.string().primary().length(512),
    duplicates: p.integer(),
    lastDuplicateAt: p.datetime(),
  },
});
export class EventDuplicate extends EventDuplicateSchema.class {}
EventDuplicateSchema.setClass(EventDuplicate);
