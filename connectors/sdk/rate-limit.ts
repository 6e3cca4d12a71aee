/**
 * Request rate limits: `{ requests, per }` on a connection's config (`config.rateLimit`,
 * outbound calls of its actions; `config.inboundRateLimit`, its webhook deliveries) or as
 * a connector's published default (`defineConnector({ rateLimit })`).
 */
import { z } from 'zod';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** `per` as seconds: a positive number, or `"1s"`, `"30s"`, `"1m"`, `"1h"`. */
export const ratePeriodSchema = z.union([
  z.number().positive().max(86_400),
  z.string().regex(/^[1-9][0-9]{0,4}(s|m|h)$/, 'a duration like "1s", "10s", "1m" or "1h"'),
]);

/** A limit of `requests` per period `per`. */
export const rateLimitSchema = z.strictObject({
  requests: z.int().positive().max(1_000_000),
  per: ratePeriodSchema,
});

export type RateLimit = z.infer<typeof rateLimitSchema>;

/** The period of a limit in seconds. */
export function periodSeconds(per: RateLimit['per']): number {
  if (typeof per === 'number') return per;
  const unit = per.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(per.slice(0, -1)) * UNIT_SECONDS[unit];
}

/** The limit as requests per second (what Temporal's task-queue rate limit takes). */
export function requestsPerSecond(limit: RateLimit): number {
  return limit.requests / periodSeconds(limit.per);
}
