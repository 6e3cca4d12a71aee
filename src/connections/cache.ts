/**
 * A short-lived in-process cache of decrypted connections for the hot paths: the webhook
 * endpoint (a burst of deliveries, or 20 concurrent redeliveries, costs one database read)
 * and connector actions (the steps of a run, and the runs of a burst, read a connection once
 * per TTL instead of once per action). Concurrent misses share one load; misses are not
 * kept. Secrets stay in this process's memory only. While the database is unreachable, a
 * connection loaded in the last 5 minutes keeps answering (webhook intake goes on; see
 * docs/operations/recovery.md).
 */
import type { Orm } from '../db/orm.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { LoadCache, type LoadCacheOptions } from '../load-cache.ts';
import type { Keyring } from '../security/crypto.ts';
import { loadConnection, type LoadedConnection } from './store.ts';

export type ConnectionCacheOptions = LoadCacheOptions;

/** Loads a connection by id, or (`byName`) by id or name. */
export type ConnectionLoader = (ref: string, opts: { byName: boolean }) => Promise<LoadedConnection | null>;

export class ConnectionCache {
  private readonly entries: LoadCache<LoadedConnection | null>;

  constructor(
    private readonly load: ConnectionLoader,
    opts: ConnectionCacheOptions = {},
  ) {
    this.entries = new LoadCache({ staleIfError: isDatabaseUnavailable, ...opts });
  }

  /** The connection with this id, or null when it does not exist. */
  get(id: string): Promise<LoadedConnection | null> {
    return this.entries.get(`id:${id}`, () => this.load(id, { byName: false }));
  }

  /** The connection a step names (its id or its name), or null. Throws as `findConnectionByRef` does (an ambiguous name). */
  getByRef(ref: string): Promise<LoadedConnection | null> {
    return this.entries.get(`ref:${ref}`, () => this.load(ref, { byName: true }));
  }

  /**
   * Forgets after a connection was created, changed or deleted. Every entry goes, whatever
   * `id` names: a step may reach the connection by a name, which a create or a rename can
   * make mean another connection (or none).
   */
  invalidate(_id?: string): void {
    this.entries.clear();
  }
}

/**
 * The process's cache (built once, `services.connectionCache`): the webhook endpoint and the
 * connector-action activity read through it; the connections API calls `invalidate` after
 * creating, changing or deleting a connection, so the change applies at once in this process
 * (dev, and an API process's own worker) and within the TTL in other processes.
 */
export function createConnectionCache(orm: Orm, keyring: Keyring, opts: ConnectionCacheOptions = {}): ConnectionCache {
  return new ConnectionCache((ref, { byName }) => loadConnection(orm.em.fork(), keyring, ref, { byName }), opts);
}
