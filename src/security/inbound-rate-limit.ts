/**
 * Inbound rate limits: per API key (`SWITCHBOARD_API_RATE_LIMIT`, off by default) and per
 * webhook connection (`config.inboundRateLimit`, off by default). Over the limit a request
 * is answered `429 RATE_LIMITED` with `Retry-After` seconds, before it does any work: a
 * webhook answered 429 is not recorded, and its provider delivers it again later.
 *
 * Counters live in memory (each API process counts alone) or, with
 * `SWITCHBOARD_REDIS_URL`, in Redis shared by every API process. A Redis outage lets
 * requests through on per-process counters rather than failing them.
 */
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { periodSeconds, type RateLimit } from '../../connectors/sdk/rate-limit.ts';
import { ApiError } from '../errors.ts';
import { rateLimitedRequests } from '../metrics/metrics.ts';

export type RateLimitKind = 'api_key' | 'webhook';

/**
 * Counters per (kind, limit); a key is counted in the limiter of its current limit.
 * One per process, built by `createServices` (`services.inboundRateLimiter`).
 */
export class InboundRateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /** The Redis client: the one given, or the URL's once a request needed it. */
  private redis: Promise<Redis> | undefined;

  /** @param redisOrUrl a Redis client, or the URL of one (SWITCHBOARD_REDIS_URL) to connect on first use; none: counters in memory. */
  constructor(private readonly redisOrUrl?: Redis | string) {
    if (redisOrUrl !== undefined && typeof redisOrUrl !== 'string') this.redis = Promise.resolve(redisOrUrl);
  }

  /** Counts one request of `key`; throws `429 RATE_LIMITED` with `Retry-After` when over `limit`. */
  async consume(kind: RateLimitKind, key: string, limit: RateLimit): Promise<void> {
    try {
      await (await this.limiterFor(kind, limit)).consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      rateLimitedRequests.inc({ kind });
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new ApiError(429, 'RATE_LIMITED', `Rate limit of ${limit.requests} requests per ${limit.per}${typeof limit.per === 'number' ? ' s' : ''} exceeded; retry in ${seconds} s`, undefined, {
        'Retry-After': String(seconds),
      });
    }
  }

  async close(): Promise<void> {
    const redis = await this.redis?.catch(() => undefined);
    await redis?.quit().catch(() => undefined);
  }

  private async limiterFor(kind: RateLimitKind, limit: RateLimit): Promise<RateLimiterAbstract> {
    // Whole seconds: the libraries' windows are counted in seconds.
    const duration = Math.max(1, Math.ceil(periodSeconds(limit.per)));
    const id = `${kind}:${limit.requests}:${duration}`;
    const redis = typeof this.redisOrUrl === 'string' ? await (this.redis ??= connectRedis(this.redisOrUrl)) : await this.redis;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const opts = { points: limit.requests, duration, keyPrefix: `sb-rl:${id}` };
      limiter = redis
        ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) })
        : new RateLimiterMemory(opts);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

/**
 * ioredis is loaded only when a Redis URL is set, not at every API start. The first
 * request waits for the connection (at most a second): without an offline queue it
 * would otherwise be counted in memory.
 */
async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  await once(redis, 'ready', { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
  return redis;
}
