import { z } from 'zod';
import { definePollingTrigger } from '../../sdk/index.ts';
import { callSheets, valuesPath } from '../client.ts';
import { sheetRef } from '../schemas.ts';
import type { OAuthSecrets } from '../../sdk/oauth.ts';
import type { SheetsConfig } from '../schemas.ts';

/**
 * New rows of a sheet: the item id is the row's number, so a row edited in place is not new,
 * and the cursor is the number of rows seen (only rows below it are read back as items).
 */
export const newRows = definePollingTrigger<z.ZodObject<{ spreadsheetId: z.ZodString; range: z.ZodString; headerRow: z.ZodDefault<z.ZodBoolean> }>, SheetsConfig, OAuthSecrets>({
  description: 'New rows appended to a sheet (the row number is the item id; edits in place start nothing)',
  interval: '1m',
  config: z.object({ ...sheetRef, headerRow: z.boolean().default(true).describe('the first row names the columns: payloads are objects by column name') }),
  async poll(ctx, cursor) {
    const { spreadsheetId, range, headerRow } = ctx.triggerConfig;
    const res = await callSheets<{ range?: string; values?: unknown[][] }>(ctx, 'GET', valuesPath(spreadsheetId, range), { majorDimension: 'ROWS' });
    const rows = Array.isArray(res.values) ? res.values : [];
    const header = headerRow && Array.isArray(rows[0]) ? rows[0].map(String) : undefined;
    const seen = typeof cursor === 'number' ? cursor : 0;
    const first = Math.max(seen, header ? 1 : 0);
    const items = rows.slice(first).map((row, i) => {
      const number = first + i + 1;
      const cells = Array.isArray(row) ? row : [];
      const payload = header ? { row: number, values: cells, fields: Object.fromEntries(header.map((h, c) => [h, cells[c] ?? null])) } : { row: number, values: cells };
      return { id: `row-${number}`, payload };
    });
    return { items, cursor: rows.length };
  },
});
