import type { EntityManager } from '@mikro-orm/core';
import { ApiKey } from '../../db/entities/index.ts';
import { newId } from '../../db/ids.ts';
import { generateApiKey } from '../../security/api-keys.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export function toView(k: ApiKey): ApiKeyView {
  return { id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null };
}

/** Creates a key; the plaintext is returned once and never stored. */
export async function createApiKey(em: EntityManager, name: string): Promise<{ key: string; view: ApiKeyView }> {
  const generated = generateApiKey();
  const entity = em.create(ApiKey, { id: newId('key'), name, prefix: generated.prefix, hash: generated.hash, createdAt: new Date() });
  await em.flush();
  return { key: generated.key, view: toView(entity) };
}
