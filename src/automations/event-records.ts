/**
 * Deliveries recorded in the database instead of by an event workflow.
 *
 * A verified webhook delivery is recorded durably before it is answered: as the runs it
 * starts, else as its event workflow (src/webhooks/ingest.ts). A delivery whose only effect
 * is resuming runs parked on `wait_for_event` (no automation subscribes to it) has its
 * effect in those runs' histories already — each signal carries the event — so intake
 * records it as one row here instead of starting a workflow: the event workflow's start and
 * its workflow task were half of what a resume cost Temporal (bench/README.md, "Waits").
 *
 * The row is what the events API lists (merged with Temporal visibility, src/automations/
 * events.ts) and what a redelivery is recognised by: within the dedupe window a delivery
 * of the same id answers 200 `duplicate` and resumes nothing (the runs also accept each
 * delivery id once). Rows older than the window are purged by later inserts.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { EventRecord } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';

/** What {@link recordResumedDelivery} did: recorded the event id, or found it recorded (with the runs its first delivery resumed). */
export type RecordOutcome = { recorded: true } | { recorded: false; resumed: string[] };

/**
 * Records a delivery that resumed `resumed` (workflow ids) and nothing else; `recorded:
 * false` when its id is recorded already (a redelivery, or two deliveries of the same id
 * at once), with the runs the record lists.
 */
export async function recordResumedDelivery(orm: Orm, eventId: string, event: NormalizedEvent, resumed: string[], windowDays: number): Promise<RecordOutcome> {
  const em = orm.em.fork();
  try {
    await em.insert(EventRecord, {
      id: eventId,
      connector: event.source.connector,
      connectionId: event.source.connectionId,
      type: event.type,
      receivedAt: new Date(event.receivedAt),
      event: event as unknown as Record<string, unknown>,
      resumed,
    });
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
    return { recorded: false, resumed: (await recordedResumedRuns(orm, eventId)) ?? resumed };
  }
  // Rows past the window recognise nothing any more (an indexed range, usually empty).
  await em.nativeDelete(EventRecord, { receivedAt: { $lt: new Date(Date.now() - windowDays * 86_400_000) } });
  return { recorded: true };
}

/** The runs a recorded delivery resumed; undefined when the event id is not recorded here. */
export async function recordedResumedRuns(orm: Orm, eventId: string): Promise<string[] | undefined> {
  return (await orm.em.fork().findOne(EventRecord, { id: eventId }, { fields: ['resumed'] }))?.resumed;
}

/** The record of one event id, or null. */
export async function eventRecordOf(orm: Orm, eventId: string): Promise<EventRecord | null> {
  return orm.em.fork().findOne(EventRecord, { id: eventId });
}

/** Filters of the events API over the rows (`GET /api/v1/events`). */
export interface EventRecordFilter {
  connector?: string | undefined;
  connectionId?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  unparsed?: boolean | undefined;
  limit: number;
}

/** The newest records matching the events API's filters (by time received). */
export async function eventRecords(orm: Orm, filter: EventRecordFilter): Promise<EventRecord[]> {
  if (filter.unparsed && filter.type && !filter.type.endsWith('.unparsed')) return [];
  const receivedAt = { ...(filter.since ? { $gte: new Date(filter.since) } : {}), ...(filter.until ? { $lte: new Date(filter.until) } : {}) };
  return orm.em.fork().find(
    EventRecord,
    {
      ...(filter.connector ? { connector: filter.connector } : {}),
      ...(filter.connectionId ? { connectionId: filter.connectionId } : {}),
      ...(filter.type ? { type: filter.type } : filter.unparsed ? { type: { $like: '%.unparsed' } } : {}),
      ...(Object.keys(receivedAt).length > 0 ? { receivedAt } : {}),
    },
    { orderBy: { receivedAt: 'desc' }, limit: filter.limit },
  );
}
