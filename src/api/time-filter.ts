import { z } from 'zod';

/** Newest time a visibility filter takes (Temporal stores times as RFC 3339 within these years). */
const MAX_TIME_MS = Date.parse('9999-12-31T23:59:59Z');

/**
 * An ISO-8601 time for a visibility filter (`StartTime >= …`), normalised to UTC
 * (`…Z`): a year before 1970 or after 9999 answers 400 instead of a refused query.
 */
export const visibilityTime = z.iso
  .datetime({ offset: true })
  .refine((v) => {
    const t = Date.parse(v);
    return t >= 0 && t <= MAX_TIME_MS;
  }, 'a time between 1970 and 9999')
  .transform((v) => new Date(v).toISOString());
