import { defineEntity, p } from '@mikro-orm/core';

/**
 * A console session: the browser holds an opaque random token in an HttpOnly cookie;
 * only its SHA-256 is stored. The session acts with the key it was opened with, read
 * again on every request, so revoking the key ends its sessions.
 */
export const ConsoleSessionSchema = defineEntity({
  name: 'ConsoleSession',
  tableName: 'console_sessions',
  properties: {
    id: p.string().primary(),
    tokenHash: p.string().unique(),
    /** The stored key's id, or `bootstrap` for SWITCHBOARD_API_KEY. */
    apiKeyId: p.string().index(),
    /** SHA-256 of the key that opened the session (a changed bootstrap key ends its sessions). */
    keyHash: p.string(),
    /** Sent back as `X-CSRF-Token` on state-changing requests (useless without the cookie). */
    csrfToken: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
});
export class ConsoleSession extends ConsoleSessionSchema.class {}
ConsoleSessionSchema.setClass(ConsoleSession);
