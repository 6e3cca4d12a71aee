import { defineEntity, p } from '@mikro-orm/core';

/**
 * A configured connector instance. `config` is plain JSON; `secrets` is an
 * AES-256-GCM envelope (see security/crypto.ts) bound to the row id.
 */
export const ConnectionSchema = defineEntity({
  name: 'Connection',
  tableName: 'connections',
  properties: {
    id: p.string().primary(),
    connector: p.string().index(),
    name: p.string(),
    config: p.json<Record<string, unknown>>(),
    /** Encrypted envelope, or null when the connection has no secrets. */
    secrets: p.text().nullable(),
    /** Names of the secret fields that are set (never their values). */
    secretFields: p.json<string[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class Connection extends ConnectionSchema.class {}
ConnectionSchema.setClass(Connection);
