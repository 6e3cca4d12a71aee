/**
 * Request rate limits: `{ requests, per }` on a connection's config (`config.rateLimit`,
 * outbound calls of its actions; `config.inboundRateLimit`, its webhook deliveries) or as
 * a connector's published default (`defineConnector({ rateLimit })`).
 */
import { z } from 'zod';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/**
 * `per` as seconds: a positive number, or `"1s"`, `"30s"`, `"1m"`, `"1h"`.
 *
 * @example
 * ratePeriodSchema.parse('1m'); // '1m'
 * ratePeriodSchema.safeParse('1 minute').success; // false
 */
export const ratePeriodSchema = z.union([
  z.number().positive().max(86_400),
  z.string().regex(/^[1-9][0-9]{0,4}(s|m|h)$/, 'a duration like "1s", "10s", "1m" or "1h"'),
]);

/**
 * A limit of `requests` per period `per`.
 *
 * @example
 * const limit = rateLimitSchema.parse({ requests: 100, per: '1m' });
 * const config = z.object({ baseUrl: z.url(), rateLimit: rateLimitSchema.optional() });
 */
export const rateLimitSchema = z.strictObject({
  requests: z.int().positive().max(1_000_000),
  per: ratePeriodSchema,
});

/**
 * A request rate limit: `requests` per `per` (seconds, or `"30s"`, `"1m"`, `"1h"`).
 *
 * @example
 * const rateLimit: RateLimit = { requests: 1, per: '1s' };
 * export default defineConnector({ key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'Acme API', config, secrets, actions, rateLimit });
 */
export type RateLimit = z.infer<typeof rateLimitSchema>;

/**
 * The period of a limit in seconds.
 *
 * @example
 * periodSeconds('1m'); // 60
 * periodSeconds(0.5); // 0.5
 */
export function periodSeconds(per: RateLimit['per']): number {
  if (typeof per === 'number') return per;
  const unit = per.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(per.slice(0, -1)) * UNIT_SECONDS[unit];
}

/**
 * The limit as requests per second (what Temporal's task-queue rate limit takes).
 *
 * @example
 * requestsPerSecond({ requests: 120, per: '1m' }); // 2
 * requestsPerSecond({ requests: 5, per: 10 }); // 0.5
 */
export function requestsPerSecond(limit: RateLimit): number {
  return limit.requests / periodSeconds(limit.per);
}
