/** `Retry-After` parsing shared by the outbound HTTP client and connectors with their own transport. */

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds; `undefined` when absent or unparsable.
 *
 * @example
 * const retryAfterMs = parseRetryAfter(res.headers['retry-after']); // '120' → 120_000
 * throw new ConnectorError('RATE_LIMITED', 'Acme answered 429', { status: 429, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
