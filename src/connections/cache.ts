/**
 * A short-lived in-process cache of decrypted connections for the webhook hot path:
 * a burst of deliveries (or 20 concurrent redeliveries) costs one database read.
 * Concurrent misses share one load. Secrets stay in this process's memory only.
 */
import type { Orm } from '../db/orm.ts';
import type { Keyring } from '../security/crypto.ts';
import { loadConnection, type LoadedConnection } from './store.ts';

interface Entry {
  expires: number;
  value: Promise<LoadedConnection | null>;
}

export interface ConnectionCacheOptions {
  /** How long a loaded connection is reused (default 5 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 1000). */
  maxEntries?: number;
}

export class ConnectionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly load: (id: string) => Promise<LoadedConnection | null>,
    opts: ConnectionCacheOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 5_000;
    this.maxEntries = opts.maxEntries ?? 1_000;
  }

  /** The connection, or null when it does not exist (misses are not cached). */
  get(id: string): Promise<LoadedConnection | null> {
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && hit.expires > now) return hit.value;
    const entry: Entry = { expires: now + this.ttlMs, value: this.load(id) };
    this.entries.delete(id);
    this.entries.set(id, entry);
    const forget = () => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    };
    entry.value.then((v) => v === null && forget(), forget);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry.value;
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
