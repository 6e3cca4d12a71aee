import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callSheets, valuesPath } from '../client.ts';
import { rowsSchema, sheetRef, updateResult, valueInputOption } from '../schemas.ts';

export const updateValues = defineAction({
  description: 'Overwrite the values of a range (spreadsheets.values.update)',
  input: z.object({ ...sheetRef, values: rowsSchema.min(1), valueInputOption }),
  output: updateResult,
  idempotent: true,
  async run(ctx, { spreadsheetId, range, values, valueInputOption: option }) {
    return callSheets(ctx, 'PUT', valuesPath(spreadsheetId, range), { valueInputOption: option }, { range, majorDimension: 'ROWS', values });
  },
});
