import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { withClient } from '../client.ts';
import type { PostgresConfig, PostgresSecrets } from '../schemas.ts';

const param = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const executeQuery = defineAction({
  description: 'Run one parameterised SQL statement ($1, $2, … bound to params) and return its rows',
  input: z.object({
    sql: z.string().min(1).max(100_000),
    params: z.array(param).max(1000).default([]),
  }),
  output: z.object({ rows: z.array(z.record(z.string(), z.unknown())), rowCount: z.number().int().nullable() }),
  idempotent: false,
  async run(ctx, input) {
    const config = ctx.config as PostgresConfig;
    return withClient(config, ctx.secrets as PostgresSecrets, ctx.http, async (client) => {
      // queryMode 'extended' even without params: one statement per call, never string-built SQL.
      const res = await client.query({ text: input.sql, values: input.params, queryMode: 'extended' } as never);
      const result = res as unknown as { rows: Record<string, unknown>[]; rowCount: number | null };
      if (result.rows.length > config.maxRows) {
        throw new ConnectorError('INVALID_INPUT', `query returned ${result.rows.length} rows, more than maxRows ${config.maxRows}; add a LIMIT`);
      }
      // JSON-safe rows: Dates become ISO strings, bigints strings.
      const rows = JSON.parse(JSON.stringify(result.rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>[];
      return { rows, rowCount: result.rowCount };
    });
  },
});
