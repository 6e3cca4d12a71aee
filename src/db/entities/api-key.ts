import { defineEntity, p } from '@mikro-orm/core';

/** An API key, stored as the SHA-256 of its secret part (keys are 192-bit random). */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    /** Who holds the key: requests made with it act as, and are attributed to, this name. */
    principal: p.string(),
    /** Granted scopes, space-separated (src/security/scopes.ts). */
    scopes: p.text(),
    /** First characters of the key, shown in listings so people can tell keys apart. */
    prefix: p.string(),
    hash: p.string().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);
