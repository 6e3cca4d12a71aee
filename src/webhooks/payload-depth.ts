/**
 * How deeply an event payload may nest. Temporal's JSON payload converter (and every
 * recursive walk after it: templates, the codec, the UI) fails on values nested a few
 * thousand levels deep, so such a delivery would be refused forever. A verified
 * delivery is never refused for its shape: deeper payloads are recorded unparsed.
 */

/** Deepest nesting of arrays and objects an event payload keeps as parsed JSON. */
export const MAX_EVENT_PAYLOAD_DEPTH = 128;

/** True when `value` nests arrays/objects more than `limit` levels deep (iterative: no stack overflow). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const item of Array.isArray(v) ? (v as unknown[]) : Object.values(v as Record<string, unknown>)) stack.push([item, depth + 1]);
  }
  return false;
}
