/**
 * Durations in definitions: `500ms`, `30s`, `10m`, `2h`, `3d`, `1w`. Pure module. The
 * pattern below is what definitions accept; the Temporal SDK's own parser (`ms`, as
 * `msToNumber`) reads them.
 */
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { StringValue } from '@temporalio/common';

/** Pattern of a duration string (also used by the zod schema). */
export const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/**
 * Milliseconds of a duration string (rounded); throws on a malformed one.
 *
 * @example
 * durationMs('3d') // 259200000
 */
export function durationMs(text: string): number {
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 30s, 10m, 2h, 3d)`);
  return Math.round(msToNumber(`${m[1]}${m[2]}` as StringValue));
}
