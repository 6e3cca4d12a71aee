import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateDefinition } from '../../connectors/registry.ts';
import { periodSeconds, rateLimitSchema, requestsPerSecond } from '../../connectors/sdk/rate-limit.ts';
import { loadConfig } from '../../src/config.ts';
import { effectiveRateLimit } from '../../src/connections/rate-limits.ts';
import { ConfigError } from '../../src/errors.ts';

describe('rate limits', () => {
  it('reads periods as seconds and limits as requests per second', () => {
    expect(periodSeconds('1s')).toBe(1);
    expect(periodSeconds('30s')).toBe(30);
    expect(periodSeconds('2m')).toBe(120);
    expect(periodSeconds('1h')).toBe(3600);
    expect(periodSeconds(0.5)).toBe(0.5);
    expect(requestsPerSecond({ requests: 5, per: '1s' })).toBe(5);
    expect(requestsPerSecond({ requests: 50, per: '1m' })).toBeCloseTo(50 / 60);
  });

  it('refuses malformed limits', () => {
    for (const bad of [{ requests: 0, per: '1s' }, { requests: 1.5, per: '1s' }, { requests: 5, per: '0s' }, { requests: 5, per: '1d' }, { requests: 5, per: -1 }, { requests: 5 }, { requests: 5, per: '1s', burst: 2 }]) {
      expect(rateLimitSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("prefers the connection's own limit over the connector's default", () => {
    const slackDefault = { requests: 1, per: '1s' } as const;
    expect(effectiveRateLimit({}, slackDefault)).toEqual(slackDefault);
    expect(effectiveRateLimit({ rateLimit: { requests: 20, per: '1m' } }, slackDefault)).toEqual({ requests: 20, per: '1m' });
    expect(effectiveRateLimit({}, undefined)).toBeUndefined();
  });

  it('checks a connector’s declared default', () => {
    const base = { key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'd', config: z.object({}), secrets: z.object({}), actions: {} };
    expect(validateDefinition({ ...base, rateLimit: { requests: 10, per: '1s' } })).toEqual([]);
    expect(validateDefinition({ ...base, rateLimit: { requests: -1, per: '1s' } })).toEqual([expect.stringMatching(/^rateLimit/)]);
  });

  it('parses SWITCHBOARD_API_RATE_LIMIT: off by default, <requests>/<period> when set', () => {
    expect(loadConfig({}).apiRateLimit).toBeUndefined();
    expect(loadConfig({ SWITCHBOARD_API_RATE_LIMIT: '600/1m' }).apiRateLimit).toEqual({ requests: 600, per: '1m' });
    expect(() => loadConfig({ SWITCHBOARD_API_RATE_LIMIT: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ SWITCHBOARD_REDIS_URL: 'http://x' })).toThrow(ConfigError);
  });
});
