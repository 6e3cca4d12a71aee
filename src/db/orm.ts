/**
 * MikroORM set-up for both storage back ends: SQLite (embedded default, a file in
 * the data dir) and PostgreSQL (the scale-out path). Migrations are listed
 * explicitly per dialect so they run the same under tsx, vitest and a bundle.
 *
 * Only the configured dialect's driver is loaded, and the migrator and the migrations only
 * when something migrates ({@link migrator}): `switchboard api` and `worker` never do, so
 * they do not hold that code (issue 28; src/db/migration-check.ts checks by name).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import type { Migrator } from '@mikro-orm/migrations';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Config } from '../config.ts';
import { ENTITIES } from './entities/index.ts';

export type Orm = MikroORM;
export type Em = SqlEntityManager;
export type DatabaseConfig = Config['database'];

/** The migrator options of one dialect: its explicit list, each in a transaction, no snapshot. */
function migrationOptions(migrationsList: NonNullable<Options['migrations']>['migrationsList'], migrationsPath: string | undefined): Options['migrations'] {
  return { migrationsList, ...(migrationsPath ? { path: migrationsPath, pathTs: migrationsPath } : {}), snapshot: false, silent: true, emit: 'ts', transactional: true };
}

/** The dialect's migration list (loads `@mikro-orm/migrations` and every migration's code). */
async function migrationsList(kind: DatabaseConfig['kind']): Promise<NonNullable<Options['migrations']>['migrationsList']> {
  return kind === 'sqlite' ? (await import('./migrations/sqlite/index.ts')).sqliteMigrations : (await import('./migrations/postgresql/index.ts')).postgresqlMigrations;
}

/**
 * Stands in for `@mikro-orm/migrations`' extension, which `MikroORM.init` would otherwise load
 * because it is installed; {@link migrator} registers the real one when something migrates.
 */
class NoMigrator {
  static readonly name = 'Migrator';
  static register(): void {}
}

/** MikroORM options for a database config (shared by the app and the migration generator); `migrations`: with the migrator. */
export async function ormOptions(database: DatabaseConfig, opts: { migrations?: boolean; migrationsPath?: string } = {}): Promise<Partial<Options>> {
  const common = {
    entities: ENTITIES,
    extensions: opts.migrations ? [(await import('@mikro-orm/migrations')).Migrator] : [NoMigrator],
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
    // Hand-written search structures (SQLite FTS5, the PostgreSQL tsvector/pgvector side
    // table, their triggers) are outside the entity model: keep generated migrations off them.
    schemaGenerator: { skipTables: [/^rag_chunks_(fts|search)/], ignoreTriggers: true, ignoreRoutines: true },
    ...(opts.migrations ? { migrations: migrationOptions(await migrationsList(database.kind), opts.migrationsPath) } : {}),
  } satisfies Partial<Options>;
  if (database.kind === 'sqlite') {
    const sqlite: Partial<Options> = { ...common, driver: (await import('@mikro-orm/sqlite')).SqliteDriver, dbName: database.path };
    return sqlite;
  }
  const postgres: Partial<Options> = { ...common, driver: (await import('@mikro-orm/postgresql')).PostgreSqlDriver, clientUrl: database.url, pool: { min: 0, max: 10 } };
  return postgres;
}

/** Opens the ORM (creating the SQLite file's folder), optionally applying migrations. */
export async function openOrm(database: DatabaseConfig, opts: { migrate?: boolean } = {}): Promise<Orm> {
  if (database.kind === 'sqlite' && database.path !== ':memory:') {
    await mkdir(dirname(database.path), { recursive: true });
  }
  const orm = await MikroORM.init(await ormOptions(database));
  if (database.kind === 'sqlite') {
    // WAL lets the API read while the worker writes; busy_timeout avoids SQLITE_BUSY under load.
    const conn = (orm.em as Em).getConnection();
    await conn.execute('pragma journal_mode = wal');
    await conn.execute('pragma busy_timeout = 5000');
    await conn.execute('pragma foreign_keys = on');
  }
  if (opts.migrate) await migrate(orm);
  return orm;
}

/** Which dialect an opened ORM speaks (by its driver). */
export function databaseKind(orm: Orm): DatabaseConfig['kind'] {
  return orm.config.getDriver().constructor.name === 'PostgreSqlDriver' ? 'postgresql' : 'sqlite';
}

/** The ORM's migrator over this dialect's migrations, loaded and registered on first use. */
export async function migrator(orm: Orm): Promise<Migrator> {
  if (!orm.config.getExtension('@mikro-orm/migrator')) {
    const { Migrator } = await import('@mikro-orm/migrations');
    orm.config.set('migrations', { ...orm.config.get('migrations'), ...migrationOptions(await migrationsList(databaseKind(orm)), undefined) });
    Migrator.register(orm);
  }
  return orm.migrator as Migrator;
}

/** Applies pending migrations; returns their names. */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await (await migrator(orm)).up();
  return done.map((m) => m.name);
}

/** `select 1` with a timeout: the readiness probe's database check. */
export async function pingDatabase(orm: Orm, timeoutMs = 2_000): Promise<void> {
  const em = orm.em.fork() as Em;
  await withTimeout(em.getConnection().execute('select 1'), timeoutMs, 'database did not answer');
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
