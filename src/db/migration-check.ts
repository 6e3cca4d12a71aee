/**
 * `switchboard api` and `worker` do not migrate (several may start at once against one
 * database; `switchboard migrate` is the one step that changes the schema). On a
 * database that was never migrated, or is behind this build, they refuse to start
 * instead of answering 500 (`no such table`) on every request.
 */
import type { Orm } from './orm.ts';
import { DatabaseNotMigratedError } from '../errors.ts';

/** Throws {@link DatabaseNotMigratedError} when any migration of this build is not applied. */
export async function assertMigrated(orm: Orm): Promise<void> {
  const pending = await orm.migrator.getPending();
  if (pending.length > 0) throw new DatabaseNotMigratedError(pending.map((m) => m.name));
}
