/**
 * The normalised event every verified webhook (and programmatic emit) becomes.
 * Pure module: the event workflow and the automation interpreter import it.
 *
 * @example
 * const event: NormalizedEvent = { id: 'evt_1', source: { connector: 'stripe', connectionId: 'conn_1' }, type: 'stripe.invoice.paid',
 *   receivedAt: new Date().toISOString(), payload: { id: 'evt_1' }, headers: {} };
 */
export interface NormalizedEvent {
  /** Dotted type: `github.issues.opened`, `stripe.invoice.paid`, `webhook.received`. */
  type: string;
  /** Provider delivery id (or SHA-256 of the body when the provider has none). */
  id: string;
  source: { connector: string; connectionId: string };
  payload: unknown;
  /** ISO-8601 time the delivery was accepted. */
  receivedAt: string;
  /** Selected, non-secret request headers (lower-case names). */
  headers?: Record<string, string>;
}
