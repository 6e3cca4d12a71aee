/**
 * A short-lived in-process cache of decrypted connections for the webhook hot path:
 * a burst of deliveries (or 20 concurrent redeliveries) costs one database read.
 * Concurrent misses share one load. Secrets stay in this process's memory only.
 */
import { LRUCache } from 'lru-cache';
import type { Orm } from '../db/orm.ts';
import type { Keyring } from '../security/crypto.ts';
import { loadConnection, type LoadedConnection } from './store.ts';

export interface ConnectionCacheOptions {
  /** How long a loaded connection is reused (default 5 s). */
  ttlMs?: number;
  /** Entries kept at most; the least recently used go first (default 1000). */
  maxEntries?: number;
}

export class ConnectionCache {
  private readonly entries: LRUCache<string, Promise<LoadedConnection | null>>;

  constructor(
    private readonly load: (id: string) => Promise<LoadedConnection | null>,
    opts: ConnectionCacheOptions = {},
  ) {
    this.entries = new LRUCache({ max: opts.maxEntries ?? 1_000, ttl: opts.ttlMs ?? 5_000 });
  }

  /** The connection, or null when it does not exist (misses are not cached). */
  get(id: string): Promise<LoadedConnection | null> {
    const hit = this.entries.get(id);
    if (hit) return hit;
    const value = this.load(id);
    this.entries.set(id, value);
    const forget = () => {
      if (this.entries.peek(id) === value) this.entries.delete(id);
    };
    value.then((v) => v === null && forget(), forget);
    return value;
  }

  /** Drops one connection (after an update or delete), or everything. */
  invalidate(id?: string): void {
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }
}

/**
 * The process's cache (built once, `services.connectionCache`): the webhook endpoint
 * reads through it; the connections API calls `invalidate(id)` after changing a
 * connection, so rotated secrets apply at once instead of after the TTL.
 */
export function createConnectionCache(orm: Orm, keyring: Keyring, opts: ConnectionCacheOptions = {}): ConnectionCache {
  return new ConnectionCache((id) => loadConnection(orm.em.fork(), keyring, id), opts);
}
