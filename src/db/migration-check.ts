/**
 * `switchboard api` and `worker` do not migrate (several may start at once against one
 * database; `switchboard migrate` is the one step that changes the schema). On a
 * database that was never migrated, or is behind this build, they refuse to start
 * instead of answering 500 (`no such table`) on every request.
 */
import { databaseKind, type Em, type Orm } from './orm.ts';
import { DatabaseNotMigratedError } from '../errors.ts';
import { MIGRATION_NAMES } from './migrations/names.ts';

/**
 * Throws {@link DatabaseNotMigratedError} when any migration of this build is not applied.
 * It reads MikroORM's table of applied migrations itself, by name, so a process that does
 * not migrate never loads the migrator or the migrations' code.
 */
export async function assertMigrated(orm: Orm): Promise<void> {
  const kind = databaseKind(orm);
  const table = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
  const connection = (orm.em.fork() as Em).getConnection();
  const exists =
    kind === 'sqlite'
      ? await connection.execute<{ name: string }[]>(`select name from sqlite_master where type = 'table' and name = ?`, [table])
      : await connection.execute<{ name: string }[]>(`select table_name as name from information_schema.tables where table_name = ? and table_schema = current_schema()`, [table]);
  const applied = new Set(exists.length ? (await connection.execute<{ name: string }[]>(`select name from ${table}`)).map((r) => r.name.replace(/\.[jt]s$/, '')) : []);
  const pending = MIGRATION_NAMES[kind].filter((name) => !applied.has(name));
  if (pending.length > 0) throw new DatabaseNotMigratedError(pending);
}
