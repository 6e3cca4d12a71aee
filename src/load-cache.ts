/**
 * A short-lived in-process cache of loads (database reads on hot paths): concurrent misses
 * share one load, an entry lives `ttlMs`, and a load that finds nothing (`null` or
 * `undefined`) or fails is not kept, so the next caller loads again. Used by the connection
 * cache, the API-key principals, the rate-limited connections and the event subscriptions. With `staleIfError`, a reload that fails that way (the
 * database is down) answers the last value loaded for the key, if it is at most `staleTtlMs` old.
 */
import { LRUCache } from 'lru-cache';

export interface LoadCacheOptions {
  /** How long a loaded value is reused (default 5 s). */
  ttlMs?: number;
  /** Entries kept at most; the least recently used go first (default 1000). */
  maxEntries?: number;
  /** Errors of a reload that may be answered with the last loaded value (default: none). */
  staleIfError?: (err: unknown) => boolean;
  /** How long after its load a value may stand in for a failed reload (default 5 min). */
  staleTtlMs?: number;
  /** Told when a failed reload is answered with the last loaded value (to log it). */
  onStale?: (key: string, err: unknown) => void;
}

export class LoadCache<V> {
  private readonly entries: LRUCache<string, Promise<V>>;
  /** The last value loaded per key, for `staleIfError` (values only: LRUCache holds no null). */
  private readonly lastGood: LRUCache<string, { value: NonNullable<V> }> | undefined;
  private readonly staleIfError: ((err: unknown) => boolean) | undefined;
  private readonly onStale: ((key: string, err: unknown) => void) | undefined;

  constructor(opts: LoadCacheOptions = {}) {
    this.entries = new LRUCache({ max: opts.maxEntries ?? 1_000, ttl: opts.ttlMs ?? 5_000 });
    this.staleIfError = opts.staleIfError;
    this.onStale = opts.onStale;
    if (opts.staleIfError) this.lastGood = new LRUCache({ max: opts.maxEntries ?? 1_000, ttl: opts.staleTtlMs ?? 5 * 60_000 });
  }

  /** The value under `key`: the kept one, the one being loaded, or `load()`'s. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const value = this.lastGood ? this.loadOrStale(key, load) : load();
    this.entries.set(key, value);
    const forget = () => {
      if (this.entries.peek(key) === value) this.entries.delete(key);
    };
    value.then((v) => v == null && forget(), forget);
    return value;
  }

  /** Loads again on the next `get` (a periodic refresh); unlike `clear`, the last values may still stand in for a failed reload. */
  expire(): void {
    this.entries.clear();
  }

  /** Loads `key` again on its next `get` (its last value may still stand in for a failed reload). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every entry (loads in flight still answer their callers, but are not kept). */
  clear(): void {
    this.entries.clear();
    this.lastGood?.clear();
  }

  private async loadOrStale(key: string, load: () => Promise<V>): Promise<V> {
    try {
      const v = await load();
      if (v != null) this.lastGood!.set(key, { value: v });
      return v;
    } catch (err) {
      const stale = this.staleIfError!(err) ? this.lastGood!.get(key) : undefined;
      if (stale) {
        this.onStale?.(key, err);
        return stale.value;
      }
      throw err;
    }
  }
}
