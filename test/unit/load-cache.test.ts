import { DriverException } from '@mikro-orm/core';
import { describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';
import { LoadCache } from '../../src/load-cache.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('isDatabaseUnavailable', () => {
  it('knows refused and dropped connections, in the cause chain too, and nothing else', () => {
    expect(isDatabaseUnavailable(refused())).toBe(true);
    expect(isDatabaseUnavailable(new DriverException(refused()))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is shutting down'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('LoadCache with staleIfError', () => {
  it('answers the last loaded value when a reload fails that way, and only then', async () => {
    const cache = new LoadCache<string>({ ttlMs: 200, staleTtlMs: 1_500, staleIfError: isDatabaseUnavailable });
    expect(await cache.get('k', async () => 'v1')).toBe('v1');
    await sleep(300);
    // Expired; the database is down: the last value stands in…
    expect(await cache.get('k', () => Promise.reject(refused()))).toBe('v1');
    // …and is kept for the TTL like a load (a down database is not asked on every call).
    const load = vi.fn(async () => 'unused');
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).not.toHaveBeenCalled();
    await sleep(300);
    // Another error is not hidden.
    await expect(cache.get('k', () => Promise.reject(new Error('bad row')))).rejects.toThrow('bad row');
    // A key never loaded has nothing to stand in.
    await expect(cache.get('other', () => Promise.reject(refused()))).rejects.toThrow('ECONNREFUSED');
    // expire() keeps the stand-in; clear() (a change) drops it.
    cache.expire();
    expect(await cache.get('k', () => Promise.reject(refused()))).toBe('v1');
    cache.clear();
    await expect(cache.get('k', () => Promise.reject(refused()))).rejects.toThrow('ECONNREFUSED');
    // Past staleTtlMs the stand-in is gone.
    expect(await cache.get('k', async () => 'v2')).toBe('v2');
    await sleep(1_700);
    await expect(cache.get('k', () => Promise.reject(refused()))).rejects.toThrow('ECONNREFUSED');
  });

  it('without staleIfError, a failed reload fails', async () => {
    const cache = new LoadCache<string>({ ttlMs: 1 });
    expect(await cache.get('k', async () => 'v1')).toBe('v1');
    await sleep(5);
    await expect(cache.get('k', () => Promise.reject(refused()))).rejects.toThrow('ECONNREFUSED');
  });
});
