/**
 * A minimal SQL executor for the chunk store: `?` placeholders, rows as plain objects,
 * transactions. Production runs it on MikroORM's connection; the pgvector test runs the
 * very same store code on PGlite through {@link numberedPlaceholders}.
 */
import type { Orm } from '../db/orm.ts';
import type { EntityManager } from '@mikro-orm/core';

export type Row = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: 'sqlite' | 'postgresql';
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

type SqlEm = EntityManager & {
  getConnection(): { execute(sql: string, params: readonly unknown[], method: 'all' | 'run', ctx?: unknown): Promise<unknown> };
};

/** A {@link SqlExecutor} over MikroORM (both dialects). */
export function ormSqlExecutor(orm: Orm, em: EntityManager = orm.em.fork()): SqlExecutor {
  const dialect = detectDialect(orm);
  const sqlEm = em as SqlEm;
  const ctx = () => sqlEm.getTransactionContext();
  return {
    dialect,
    async all(sql, params = []) {
      return (await sqlEm.getConnection().execute(sql, [...params], 'all', ctx())) as Row[];
    },
    async run(sql, params = []) {
      await sqlEm.getConnection().execute(sql, [...params], 'run', ctx());
    },
    transaction(fn) {
      return em.transactional((tx) => fn(ormSqlExecutor(orm, tx)));
    },
  };
}

function detectDialect(orm: Orm): 'sqlite' | 'postgresql' {
  return orm.config.getDriver().getPlatform().constructor.name.toLowerCase().includes('sqlite') ? 'sqlite' : 'postgresql';
}

/** Rewrites `?` placeholders to `$1, $2, …` (for drivers that bind positionally). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** JSON columns come back parsed (PostgreSQL jsonb) or as text (SQLite). */
export function parseJsonColumn<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
