/** Durations in definitions: `500ms`, `30s`, `10m`, `2h`, `3d`, `1w`. Pure module. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Pattern of a duration string (also used by the zod schema). */
export const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/**
 * Milliseconds of a duration string; throws on a malformed one.
 *
 * @example
 * durationMs('3d') // 259200000
 */
export function durationMs(text: string): number {
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 30s, 10m, 2h, 3d)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}
