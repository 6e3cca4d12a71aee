import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callSheets, valuesPath } from '../client.ts';
import { rowsSchema, sheetRef } from '../schemas.ts';

export const getValues = defineAction({
  description: 'Read the values of a range, row by row (spreadsheets.values.get)',
  input: z.object({ ...sheetRef }),
  output: z.object({ range: z.string(), values: rowsSchema }),
  idempotent: true,
  async run(ctx, { spreadsheetId, range }) {
    const res = await callSheets<{ range: string; values?: unknown }>(ctx, 'GET', valuesPath(spreadsheetId, range), { majorDimension: 'ROWS' });
    // Sheets leaves `values` out of an empty range.
    return { range: res.range, values: (res.values ?? []) as never };
  },
});
