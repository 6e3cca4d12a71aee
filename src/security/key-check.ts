/**
 * Whether the configured master key can open the secrets already stored. A process
 * started with the wrong `SWITCHBOARD_MASTER_KEY` must not seal new secrets under it:
 * they would decrypt nowhere else, and the old ones decrypt nowhere here. Envelopes
 * name their key id (a hash of the key), so the check reads ids, not plaintexts.
 */
import type { EntityManager, EntityName } from '@mikro-orm/core';
import type { Keyring } from './crypto.ts';
import { SECRET_TABLES } from './rotate.ts';
import { MasterKeyMismatchError } from '../errors.ts';

// A keyring that once opened everything stays good in this process: what it writes is under its own key.
const verified = new WeakSet<Keyring>();

/** Key ids of every stored envelope (`v1.<keyId>.…`), read with one query per table. */
async function storedKeyIds(em: EntityManager): Promise<Set<string>> {
  const ids = new Set<string>();
  const conn = (em as unknown as { getConnection(): { execute(sql: string): Promise<Record<string, unknown>[]> } }).getConnection();
  for (const table of SECRET_TABLES) {
    const tableName = em.getMetadata().get(table.entity as EntityName).tableName;
    const rows = await conn.execute(`select distinct substr(secrets, 1, 16) as head from ${tableName} where secrets is not null`);
    for (const row of rows) {
      const keyId = String(row['head']).split('.')[1];
      if (keyId) ids.add(keyId);
    }
  }
  return ids;
}

/** Throws {@link MasterKeyMismatchError} when some stored secrets are under a key the keyring lacks. */
export async function assertKeyringOpensStoredSecrets(em: EntityManager, keyring: Keyring): Promise<void> {
  if (verified.has(keyring)) return;
  const configured = new Set(keyring.keyIds);
  const unknown = [...(await storedKeyIds(em))].filter((id) => !configured.has(id));
  if (unknown.length > 0) throw new MasterKeyMismatchError(unknown.sort(), keyring.keyIds);
  verified.add(keyring);
}
