import { z } from 'zod';

export const sheetsConfig = z.object({
  /** Sheets API base URL (tests: a local fake speaking Sheets v4). */
  baseUrl: z.url().default('https://sheets.googleapis.com'),
});
export type SheetsConfig = z.infer<typeof sheetsConfig>;

/** A cell value as Sheets v4 takes it. */
export const cellValue = z.union([z.string().max(50_000), z.number(), z.boolean(), z.null()]);
export const rowsSchema = z.array(z.array(cellValue).max(1_000)).max(10_000);

export const sheetRef = {
  spreadsheetId: z.string().min(1).max(200).regex(/^[\w-]+$/, 'must be a spreadsheet id'),
  /** A1 notation (`Sheet1!A1:D`). */
  range: z.string().min(1).max(200),
};
export const valueInputOption = z.enum(['RAW', 'USER_ENTERED']).default('USER_ENTERED');

/** `updates` of an append, the answer of an update (Sheets v4 UpdateValuesResponse). */
export const updateResult = z.object({
  spreadsheetId: z.string(),
  updatedRange: z.string(),
  updatedRows: z.number().int().optional(),
  updatedColumns: z.number().int().optional(),
  updatedCells: z.number().int().optional(),
});
