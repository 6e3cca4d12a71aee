/**
 * Loading connections with their secrets decrypted. Only activities and the webhook
 * verifier call this: decrypted secrets never leave the process that needs them and
 * never enter workflow history.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Connection } from '../db/entities/index.ts';
import type { Keyring } from '../security/crypto.ts';

export interface LoadedConnection {
  id: string;
  connector: string;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/** Encrypts a secrets object for the connection row `id` (null when empty). */
export function sealSecrets(keyring: Keyring, id: string, secrets: Record<string, unknown>): { secrets: string | null; secretFields: string[] } {
  const fields = Object.keys(secrets).filter((k) => secrets[k] !== undefined && secrets[k] !== null);
  if (fields.length === 0) return { secrets: null, secretFields: [] };
  return { secrets: keyring.encrypt(secrets, `connection:${id}`), secretFields: fields.sort() };
}

export function openSecrets(keyring: Keyring, row: Pick<Connection, 'id' | 'secrets'>): Record<string, unknown> {
  return row.secrets ? keyring.decrypt<Record<string, unknown>>(row.secrets, `connection:${row.id}`) : {};
}

/** The connection with decrypted secrets, or null when it does not exist. Throws DecryptionError. */
export async function loadConnection(em: EntityManager, keyring: Keyring, id: string): Promise<LoadedConnection | null> {
  const row = await em.findOne(Connection, { id });
  if (!row) return null;
  return { id: row.id, connector: row.connector, name: row.name, config: row.config, secrets: openSecrets(keyring, row) };
}
