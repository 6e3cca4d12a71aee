/** Creating and listing stored API keys (the keys API and the `switchboard keys` CLI command use it). */
import type { EntityManager } from '@mikro-orm/core';
import { ApiKey } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';
import { LoadCache, type LoadCacheOptions } from '../load-cache.ts';
import { newId } from '../db/ids.ts';
import { generateApiKey } from './api-keys.ts';
import type { Principal } from './principal.ts';
import { formatScopes, parseScopes, type Scope } from './scopes.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  principal: string;
  scopes: Scope[];
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export function toView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    principal: k.principal,
    scopes: parseScopes(k.scopes),
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

export interface NewKeySpec {
  /** What the key is for. */
  name: string;
  /** Who holds it (requests are attributed to this name). */
  principal: string;
  scopes: readonly Scope[];
}

/** Marks a key revoked (keeping the first revocation's time); null when there is no such key. */
export async function revokeApiKey(em: EntityManager, id: string): Promise<ApiKey | null> {
  const key = await em.findOne(ApiKey, { id });
  if (!key) return null;
  key.revokedAt ??= new Date();
  await em.flush();
  return key;
}

/** Creates a key; the plaintext is returned once and never stored. */
export async function createApiKey(em: EntityManager, spec: NewKeySpec): Promise<{ key: string; view: ApiKeyView }> {
  const generated = generateApiKey();
  const entity = em.create(ApiKey, {
    id: newId('key'),
    name: spec.name,
    principal: spec.principal,
    scopes: formatScopes(spec.scopes),
    prefix: generated.prefix,
    hash: generated.hash,
    createdAt: new Date(),
  });
  await em.flush();
  return { key: generated.key, view: toView(entity) };
}

/** The principal of a stored key row. */
export function keyPrincipal(key: ApiKey): Principal {
  return { kind: 'api-key', id: key.id, name: key.principal, scopes: parseScopes(key.scopes) };
}

/**
 * Principals of stored, unrevoked API keys by key hash, reused for a few seconds
 * (`services.apiKeyPrincipals`): every API request authenticates, and a database read per
 * request cost more CPU than the rest of a decision's API path. Unknown keys are not kept
 * (a new key works at once); the keys API calls `invalidate` after a revocation, so a
 * revoked key stops at once in that process and within the TTL in other API processes.
 */
export class ApiKeyPrincipals {
  private readonly entries: LoadCache<Principal | undefined>;

  constructor(
    private readonly load: (hash: string) => Promise<Principal | undefined>,
    opts: LoadCacheOptions = {},
  ) {
    this.entries = new LoadCache(opts);
  }

  /** The principal of the key with this hash, or undefined when none is stored and unrevoked. */
  get(hash: string): Promise<Principal | undefined> {
    return this.entries.get(hash, () => this.load(hash));
  }

  /** Forgets every key (after a revocation). */
  invalidate(): void {
    this.entries.clear();
  }
}

/** The process's cache of key principals, reading the `api_keys` table. */
export function createApiKeyPrincipals(orm: Orm, opts: { ttlMs?: number } = {}): ApiKeyPrincipals {
  return new ApiKeyPrincipals(async (hash) => {
    const key = await orm.em.fork().findOne(ApiKey, { hash, revokedAt: null });
    return key ? keyPrincipal(key) : undefined;
  }, opts);
}
