import { z } from 'zod';
import { definePollingTrigger } from '../../sdk/polling.ts';
import { withClient } from '../client.ts';
import type { PostgresConfig, PostgresSecrets } from '../schemas.ts';

const tableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'must be a plain identifier (schema.table allowed)');
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain column name');
const quote = (name: string): string => name.split('.').map((part) => `"${part}"`).join('.');

export const newRowsConfig = z
  .object({
    table: tableName,
    /** A column that only grows (serial id, created_at): rows above the cursor are new. */
    column: identifier.describe('an increasing column, e.g. id or created_at'),
    /** The item id (default: `column`). */
    idColumn: identifier.optional(),
    limit: z.number().int().min(1).max(1_000).default(100),
  })
  .strict();

/**
 * `new_rows`: rows whose `column` is above the cursor, in its order, `limit` per poll
 * (the next poll continues). The first poll only reads the current maximum: it starts
 * from now, so `backfill` does not apply (rows carry no time the engine knows).
 */
export const newRows = definePollingTrigger<typeof newRowsConfig, PostgresConfig, PostgresSecrets>({
  description: 'New rows of a table by an increasing column (config: { table, column, idColumn?, limit? })',
  interval: '1m',
  config: newRowsConfig,
  async poll(ctx, cursor) {
    const { table, column, limit } = ctx.triggerConfig;
    const idColumn = ctx.triggerConfig.idColumn ?? column;
    return withClient(ctx.config, ctx.secrets, ctx.http, async (client) => {
      if (cursor === undefined) {
        // First poll: from now. An empty table gives the cursor null: every row after it is new.
        const max = await client.query<{ m: string | null }>(`select max(${quote(column)})::text as m from ${quote(table)}`);
        return { items: [], cursor: max.rows[0]?.m ?? null };
      }
      const res =
        cursor === null
          ? await client.query<Record<string, unknown>>(`select * from ${quote(table)} where ${quote(column)} is not null order by ${quote(column)} limit ${limit}`)
          : await client.query<Record<string, unknown>>(`select * from ${quote(table)} where ${quote(column)} > $1 order by ${quote(column)} limit ${limit}`, [cursor]);
      const last = res.rows.at(-1)?.[column];
      const next = last === undefined ? cursor : last instanceof Date ? last.toISOString() : String(last);
      return { items: res.rows.map((row) => ({ id: String(row[idColumn]), payload: row })), cursor: next };
    });
  },
});
