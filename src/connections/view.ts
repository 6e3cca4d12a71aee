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
  createdAt: string;
  updatedAt: string;
}
