/**
 * PostgreSQL with pgvector in-process (PGlite bundles the extension), migrated with the
 * project's own PostgreSQL migrations, wrapped as the chunk store's SqlExecutor.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { postgresqlMigrations } from '../../src/db/migrations/postgresql/index.ts';
import { numberedPlaceholders, type SqlExecutor } from '../../src/rag/sql.ts';

export async function startPglite(): Promise<{ db: PGlite; sql: SqlExecutor; close(): Promise<void> }> {
  const db = await PGlite.create({ extensions: { vector } });
  for (const { class: Cls } of postgresqlMigrations) {
    const migration = new Cls(undefined as never, undefined as never);
    await migration.up();
    for (const q of migration.getQueries()) await db.exec(String(q));
  }
  const wrap = (q: PGlite | Transaction): SqlExecutor => ({
    dialect: 'postgresql',
    async all(sql, params = []) {
      return (await q.query<Record<string, unknown>>(numberedPlaceholders(sql), [...params])).rows;
    },
    async run(sql, params = []) {
      await q.query(numberedPlaceholders(sql), [...params]);
    },
    transaction(fn) {
      return 'transaction' in q ? (q as PGlite).transaction((tx) => fn(wrap(tx))) : fn(wrap(q));
    },
  });
  return { db, sql: wrap(db), close: () => db.close() };
}
