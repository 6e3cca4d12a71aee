/**
 * Duplicate deliveries of recorded webhook events: a counter per event id, upserted
 * only when the intake answers a delivery as a duplicate (the first delivery's path
 * never touches the database), read by the events API as `duplicates`.
 */
import type { EntityManager } from '@mikro-orm/core';
import { EventDuplicate } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';

type SqlEm = EntityManager & { getConnection(): { execute(sql: string, params: readonly unknown[], method: 'run'): Promise<unknown> } };

/** Counts one more duplicate of `eventId` (one atomic upsert; SQLite and PostgreSQL alike). */
export async function countDuplicate(orm: Orm, eventId: string, at: Date = new Date()): Promise<void> {
  const em = orm.em.fork() as SqlEm;
  await em
    .getConnection()
    .execute(
      'insert into event_duplicates (event_id, duplicates, last_duplicate_at) values (?, 1, ?) on conflict (event_id) do update set duplicates = event_duplicates.duplicates + 1, last_duplicate_at = excluded.last_duplicate_at',
      [eventId, at],
      'run',
    );
}

/** Duplicates per event id (0 for ids never delivered twice). */
export async function duplicatesOf(orm: Orm, eventIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(eventIds.map((id) => [id, 0]));
  if (eventIds.length === 0) return counts;
  const rows = await orm.em.fork().find(EventDuplicate, { eventId: { $in: eventIds } });
  for (const row of rows) counts.set(row.eventId, row.duplicates);
  return counts;
}
