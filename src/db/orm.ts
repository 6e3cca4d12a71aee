/**
 * MikroORM set-up for both storage back ends: SQLite (embedded default, a file in
 * the data dir) and PostgreSQL (the scale-out path). Migrations are listed
 * explicitly per dialect so they run the same under tsx, vitest and a bundle.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type { Config } from '../config.ts';
import { ENTITIES } from './entities/index.ts';
import { postgresqlMigrations } from './migrations/postgresql/index.ts';
import { sqliteMigrations } from './migrations/sqlite/index.ts';

export type Orm = MikroORM;
export type Em = SqlEntityManager;
export type DatabaseConfig = Config['database'];

/** The migrator options of one dialect: its explicit list, each in a transaction, no snapshot. */
function migrationOptions(migrationsList: NonNullable<Options['migrations']>['migrationsList'], migrationsPath: string | undefined): Options['migrations'] {
  return { migrationsList, ...(migrationsPath ? { path: migrationsPath, pathTs: migrationsPath } : {}), snapshot: false, silent: true, emit: 'ts', transactional: true };
}

/** MikroORM options for a database config (shared by the app and the migration generator). */
export function ormOptions(database: DatabaseConfig, opts: { migrationsPath?: string } = {}): Partial<Options> {
  const common = {
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
    // Hand-written search structures (SQLite FTS5, the PostgreSQL tsvector/pgvector side
    // table, their triggers) are outside the entity model: keep generated migrations off them.
    schemaGenerator: { skipTables: [/^rag_chunks_(fts|search)/], ignoreTriggers: true, ignoreRoutines: true },
  } satisfies Partial<Options>;
  if (database.kind === 'sqlite') {
    const sqlite: Partial<Options> = {
      ...common,
      driver: SqliteDriver,
      dbName: database.path,
      migrations: migrationOptions(sqliteMigrations, opts.migrationsPath),
    };
    return sqlite;
  }
  const postgres: Partial<Options> = {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: database.url,
    pool: { min: 0, max: 10 },
    migrations: migrationOptions(postgresqlMigrations, opts.migrationsPath),
  };
  return postgres;
}

/** Opens the ORM (creating the SQLite file's folder), optionally applying migrations. */
export async function openOrm(database: DatabaseConfig, opts: { migrate?: boolean } = {}): Promise<Orm> {
  if (database.kind === 'sqlite' && database.path !== ':memory:') {
    await mkdir(dirname(database.path), { recursive: true });
  }
  const orm = await MikroORM.init(ormOptions(database));
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

/** Applies pending migrations; returns their names. */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.migrator.up();
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
