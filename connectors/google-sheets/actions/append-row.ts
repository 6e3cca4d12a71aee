import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callSheets, valuesPath } from '../client.ts';
import { cellValue, sheetRef, updateResult, valueInputOption } from '../schemas.ts';

export const appendRow = defineAction({
  description: 'Append a row after the last row of a table in a sheet (spreadsheets.values.append)',
  input: z.object({ ...sheetRef, values: z.array(cellValue).min(1).max(1_000), valueInputOption }),
  output: z.object({ spreadsheetId: z.string(), tableRange: z.string().optional(), updates: updateResult }),
  // A retry after a lost answer appends the row twice: Sheets has no idempotency key.
  idempotent: false,
  async run(ctx, { spreadsheetId, range, values, valueInputOption: option }) {
    return callSheets(ctx, 'POST', `${valuesPath(spreadsheetId, range)}:append`, { valueInputOption: option, insertDataOption: 'INSERT_ROWS' }, { range, majorDimension: 'ROWS', values: [values] });
  },
});
