import { newRows } from './new-rows.ts';

export const pollingTriggers = { new_rows: newRows };
