/**
 * A short-lived in-process cache of loads (database reads on hot paths): concurrent misses
 * share one load, an entry lives `ttlMs`, and a load that finds nothing (`null` or
 * `undefined`) or fails is not kept, so the next caller loads again. Used by the connection
 * cache and the API-key principals.
 */
import { LRUCache } from 'lru-cache';

export interface LoadCacheOptions {
  /** How long a loaded value is reused (default 5 s). */
  ttlMs?: number;
  /** Entries kept at most; the least recently used go first (default 1000). */
  maxEntries?: number;
}

export class LoadCache<V> {
  private readonly entries: LRUCache<string, Promise<V>>;

  constructor(opts: LoadCacheOptions = {}) {
    this.entries = new LRUCache({ max: opts.maxEntries ?? 1_000, ttl: opts.ttlMs ?? 5_000 });
  }

  /** The value under `key`: the kept one, the one being loaded, or `load()`'s. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const value = load();
    this.entries.set(key, value);
    const forget = () => {
      if (this.entries.peek(key) === value) this.entries.delete(key);
    };
    value.then((v) => v == null && forget(), forget);
    return value;
  }

  /** Forgets every entry (loads in flight still answer their callers, but are not kept). */
  clear(): void {
    this.entries.clear();
  }
}
