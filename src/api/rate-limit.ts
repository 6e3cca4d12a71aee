/**
 * The per-API-key limit (`SWITCHBOARD_API_RATE_LIMIT`, off by default) as middleware
 * after authentication; the counters are src/security/inbound-rate-limit.ts.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../services.ts';
import type { Principal } from './http.ts';

/** Middleware after authentication: counts the request against its principal's limit. */
export function limitPerApiKey(services: Services) {
  const limit = services.config.apiRateLimit;
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!limit) return next();
    try {
      const principal = res.locals['principal'] as Principal | undefined;
      if (principal) await services.inboundRateLimiter.consume('api_key', principal.id, limit);
      next();
    } catch (err) {
      next(err);
    }
  };
}
