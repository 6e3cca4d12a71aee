import { z } from 'zod';

/**
 * An ISO-8601 time for a visibility filter (`StartTime >= …`), normalised to UTC
 * (`…Z`). Times before 1970 mean "from the beginning": they are sent as the epoch,
 * which Temporal's visibility stores take, and select the same workflows.
 */
export const visibilityTime = z.iso.datetime({ offset: true }).transform((v) => new Date(Math.max(0, Date.parse(v))).toISOString());
