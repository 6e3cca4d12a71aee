/**
 * Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL database on
 * the local server, each migrated, and dropped afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../src/db/orm.ts';
import { openOrm, type Orm } from '../../src/db/orm.ts';
import { nanoid } from '../../src/security/random.ts';

export const DIALECTS = ['sqlite', 'postgresql'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface TestDatabase {
  database: DatabaseConfig;
  /** Raw SQL on the same database (inspection in tests). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'sb-db-'));
    const path = join(dir, 'test.sqlite');
    return {
      database: { kind: 'sqlite', path },
      async query(sql) {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(path, { readonly: true });
        try {
          return db.prepare(sql).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const base = inject('postgresUrl');
  const name = `sb_test_${nanoid(9).toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    database: { kind: 'postgresql', url: url.toString() },
    async query(sql) {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await c.end();
      }
    },
    async drop() {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A migrated ORM on a fresh database of the dialect. */
export async function createTestOrm(dialect: Dialect, opts: { keep?: boolean } = {}): Promise<{ orm: Orm; db: TestDatabase; close(): Promise<void> }> {
  const db = await createTestDatabase(dialect);
  const orm = await openOrm(db.database, { migrate: true });
  return {
    orm,
    db,
    async close() {
      await orm.close();
      if (!opts.keep) await db.drop();
    },
  };
}

/** An ORM on an existing test database (a process restart); closing does not drop it. */
export async function reuseTestOrm(db: TestDatabase): Promise<{ orm: Orm; db: TestDatabase; close(): Promise<void> }> {
  const orm = await openOrm(db.database, { migrate: true });
  return { orm, db, close: () => orm.close() };
}
