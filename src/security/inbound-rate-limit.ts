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
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { periodSeconds, type RateLimit } from '../../connectors/sdk/rate-limit.ts';
import { ApiError } from '../errors.ts';
import { rateLimitedRequests } from '../metrics/metrics.ts';
import type { Services } from '../services.ts';

export type RateLimitKind = 'api_key' | 'webhook';

/** Counters per (kind, limit); a key is counted in the limiter of its current limit. */
export class InboundRateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly redis?: Redis) {}

  /** Counts one request of `key`; throws `429 RATE_LIMITED` with `Retry-After` when over `limit`. */
  async consume(kind: RateLimitKind, key: string, limit: RateLimit): Promise<void> {
    try {
      await this.limiterFor(kind, limit).consume(key);
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
    await this.redis?.quit().catch(() => undefined);
  }

  private limiterFor(kind: RateLimitKind, limit: RateLimit): RateLimiterAbstract {
    // Whole seconds: the libraries' windows are counted in seconds.
    const duration = Math.max(1, Math.ceil(periodSeconds(limit.per)));
    const id = `${kind}:${limit.requests}:${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const opts = { points: limit.requests, duration, keyPrefix: `sb-rl:${id}` };
      limiter = this.redis
        ? new RateLimiterRedis({ ...opts, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(opts) })
        : new RateLimiterMemory(opts);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

const limiters = new WeakMap<Services, InboundRateLimiter>();

/** The inbound limiter of a process's services (Redis-backed when SWITCHBOARD_REDIS_URL is set). */
export function inboundRateLimiter(services: Services): InboundRateLimiter {
  let limiter = limiters.get(services);
  if (!limiter) {
    const url = services.config.redisUrl;
    limiter = new InboundRateLimiter(url ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined);
    limiters.set(services, limiter);
  }
  return limiter;
}
