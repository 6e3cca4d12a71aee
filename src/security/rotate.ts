/**
 * `switchboard keys rotate`: re-encrypts every secrets envelope under the current
 * master key. Run it with `SWITCHBOARD_MASTER_KEY=<new>,<old>[,…]`: the new key
 * encrypts, the old ones keep decrypting until every row is rewritten; then drop them.
 * Rows are rewritten one batch at a time; a row that no configured key decrypts stops
 * the rotation with its id and leaves it untouched.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Connection, McpServer } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';
import { type Keyring } from './crypto.ts';
import { DecryptionError } from '../errors.ts';

/** Associated data an MCP server's secrets envelope is bound to (MCP code must use it). */
export function mcpSecretsAad(id: string): string {
  return `mcp_server:${id}`;
}

/** Associated data of a connection's secrets envelope (see connections/store.ts). */
export function connectionSecretsAad(id: string): string {
  return `connection:${id}`;
}

/** Every table with secrets envelopes and how its envelopes are bound. */
export const SECRET_TABLES = [
  { name: 'connections', entity: Connection, aad: connectionSecretsAad },
  { name: 'mcp_servers', entity: McpServer, aad: mcpSecretsAad },
] as const;

export interface RotationReport {
  /** Rows re-encrypted per table. */
  rotated: Record<string, number>;
  /** Rows already under the current key. */
  current: Record<string, number>;
  keyId: string;
}

const BATCH = 100;

async function rotateTable(em: EntityManager, keyring: Keyring, table: (typeof SECRET_TABLES)[number]): Promise<{ rotated: number; current: number }> {
  let rotated = 0;
  let current = 0;
  for (let offset = 0; ; offset += BATCH) {
    const rows = (await em.find(table.entity as typeof Connection, { secrets: { $ne: null } }, { orderBy: { id: 'asc' }, limit: BATCH, offset })) as {
      id: string;
      secrets: string | null;
    }[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!row.secrets || !keyring.needsRotation(row.secrets)) {
        current++;
        continue;
      }
      let value: unknown;
      try {
        value = keyring.decrypt(row.secrets, table.aad(row.id));
      } catch (err) {
        if (err instanceof DecryptionError) throw new DecryptionError(`${table.name} row ${row.id}: ${err.message}`, err.keyId);
        throw err;
      }
      row.secrets = keyring.encrypt(value, table.aad(row.id));
      rotated++;
    }
    await em.flush();
    em.clear();
  }
  return { rotated, current };
}

export async function rotateSecrets(orm: Orm, keyring: Keyring): Promise<RotationReport> {
  const report: RotationReport = { rotated: {}, current: {}, keyId: keyring.current.id };
  for (const table of SECRET_TABLES) {
    const r = await rotateTable(orm.em.fork(), keyring, table);
    report.rotated[table.name] = r.rotated;
    report.current[table.name] = r.current;
  }
  return report;
}
