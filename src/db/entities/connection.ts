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
    /** `active`, or `needs_reconnect` once the provider refused its OAuth refresh token. */
    status: p.string().default('active'),
    /** Why the connection needs reconnecting (the provider's error text, never a token). */
    statusReason: p.text().nullable(),
    /** OAuth connections: when the stored access token expires (null: unknown or never). */
    tokenExpiresAt: p.datetime().nullable(),
    /** OAuth connections: bumped by every token refresh, so a worker sees that another refreshed. */
    tokenGeneration: p.integer().default(0),
    /** OAuth connections: the refresh lease (one refresh across all workers) and its holder. */
    refreshLeaseUntil: p.datetime().nullable(),
    refreshLeaseOwner: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class Connection extends ConnectionSchema.class {}
ConnectionSchema.setClass(Connection);
