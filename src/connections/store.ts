/**
 * Loading connections with their secrets decrypted. Only activities and the webhook
 * verifier call this: decrypted secrets never leave the process that needs them and
 * never enter workflow history.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { Connection } from '../db/entities/index.ts';
import type { Keyring } from '../security/crypto.ts';

export interface LoadedConnection {
  id: string;
  connector: string;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** `active`, or `needs_reconnect` (an OAuth connection whose refresh token the provider refused). */
  status?: string;
  /** OAuth connections: when the access token in `secrets` expires, and its generation. */
  tokenExpiresAt?: Date | null;
  tokenGeneration?: number;
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

/** The prefix of every connection id (a name with it is refused, so a name never reads as an id). */
export const CONNECTION_ID_PREFIX = 'conn_';

/**
 * The connection a step names: by id, else by name. Names are looked up when the
 * step runs, so re-creating a connection under the same name (another provider, say)
 * takes effect for the next run without editing the automation. A name several
 * connections share names none of them: CONFIG_INVALID, never a guess.
 */
export async function findConnectionByRef(em: EntityManager, ref: string): Promise<Connection | null> {
  const rows = await em.find(Connection, { $or: [{ id: ref }, { name: ref }] }, { orderBy: { id: 'asc' }, limit: 3 });
  const byId = rows.find((r) => r.id === ref);
  if (byId) return byId;
  if (rows.length > 1) throw new ConnectorError('CONFIG_INVALID', ambiguousConnectionName(ref));
  return rows[0] ?? null;
}

/** Why a connection name resolves to nothing definite. */
export const ambiguousConnectionName = (name: string): string =>
  `connection name "${name}" is shared by several connections; rename them or name the connection by id`;

/**
 * The connection with decrypted secrets, or null when it does not exist. `byName`:
 * `ref` may be the connection's name too (steps of automations; see
 * {@link findConnectionByRef}). Throws DecryptionError.
 */
export async function loadConnection(em: EntityManager, keyring: Keyring, ref: string, opts: { byName?: boolean } = {}): Promise<LoadedConnection | null> {
  const row = opts.byName ? await findConnectionByRef(em, ref) : await em.findOne(Connection, { id: ref });
  if (!row) return null;
  return {
    id: row.id,
    connector: row.connector,
    name: row.name,
    config: row.config,
    secrets: openSecrets(keyring, row),
    status: row.status,
    tokenExpiresAt: row.tokenExpiresAt ?? null,
    tokenGeneration: row.tokenGeneration,
  };
}
