/**
 * A connection as the API shows it (`GET /connections/{id}`): secret field names only,
 * never values. Shared by the API and the typed client.
 */
export interface ConnectionView {
  id: string;
  connector: string;
  name: string;
  config: Record<string, unknown>;
  /** Names of the secret fields that are set. */
  secretFields: string[];
  /** `active`, or `needs_reconnect`: the provider refused the OAuth refresh token; press Connect again. */
  status: string;
  /** Why it needs reconnecting (the provider's text). */
  statusReason?: string;
  /** OAuth connections: when the current access token expires (refreshed before then). */
  tokenExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}
