/**
 * What a connection test answers. `ok: true` only after a real, harmless call to the
 * provider succeeded; `ok: false` when it failed; `ok: null` when nothing could be
 * called (a webhook-only connection) — with the plain reason in `message`.
 */

/**
 * The answer of a connection test.
 *
 * @example
 * const result: ConnectionTestResult = { ok: true, message: 'authenticated as @acme_bot' };
 */
export interface ConnectionTestResult {
  ok: boolean | null;
  message: string;
}

/**
 * The reason a connection with only a signature secret is not tested.
 *
 * @example
 * if (!ctx.secrets.apiKey && ctx.secrets.webhookSecret) return notTested(WEBHOOK_ONLY_REASON);
 */
export const WEBHOOK_ONLY_REASON = 'signature secret set; no outbound call to test';

/**
 * A test that could not call anything: `ok: null` and why.
 *
 * @example
 * if (!ctx.secrets.apiToken) return notTested(ctx.secrets.webhookSecret ? WEBHOOK_ONLY_REASON : 'no apiToken or webhookSecret');
 */
export function notTested(reason: string): ConnectionTestResult {
  return { ok: null, message: reason };
}
