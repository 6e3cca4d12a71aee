/** Creating and listing stored API keys (the keys API and the `switchboard keys` CLI command use it). */
import type { EntityManager } from '@mikro-orm/core';
import { ApiKey } from '../db/entities/index.ts';
import { newId } from '../db/ids.ts';
import { generateApiKey } from './api-keys.ts';
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
