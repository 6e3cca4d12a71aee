/**
 * PostgreSQL connections for the `execute_query` action: the host is resolved
 * through the SSRF guard and the socket goes to that address; every query uses the
 * extended protocol, so values travel as parameters and one call is one statement.
 * `pg` is loaded on the first query, not when the connector registers.
 */
import type pg from 'pg';
import { ConnectorError, type ErrorCode } from '../sdk/errors.ts';
import type { HttpClient } from '../sdk/types.ts';
import type { PostgresConfig, PostgresSecrets } from './schemas.ts';

/** SQLSTATE classes and codes → connector error codes. */
export function codeForPgError(err: { code?: string }): ErrorCode {
  const code = err.code ?? '';
  if (code === '28P01' || code === '28000') return 'AUTH_FAILED';
  if (code === '42501') return 'FORBIDDEN';
  if (code === '3D000') return 'CONFIG_INVALID';
  if (code === '57014') return 'TIMEOUT';
  if (code === '40001' || code === '40P01' || code.startsWith('53') || code.startsWith('57') || code.startsWith('08')) return 'UPSTREAM_5XX';
  if (/^(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN)$/.test(code)) return 'TRANSIENT_NETWORK';
  if (/^[0-9A-Z]{5}$/.test(code)) return 'INVALID_INPUT';
  return 'TRANSIENT_NETWORK';
}

export async function withClient<T>(
  config: PostgresConfig,
  secrets: PostgresSecrets,
  http: Pick<HttpClient, 'resolveHost'>,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const { address } = await http.resolveHost(config.host);
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({
    host: address,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(secrets.password !== undefined ? { password: secrets.password } : {}),
    ssl: config.ssl ? { servername: config.host } : false,
    connectionTimeoutMillis: 10_000,
    statement_timeout: config.statementTimeoutMs,
    query_timeout: config.statementTimeoutMs + 5_000,
    application_name: 'switchboard',
  });
  client.on('error', () => undefined); // errors after the query surface through the query promise
  try {
    await client.connect();
    return await fn(client);
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    const e = err as { code?: string; message?: string };
    throw new ConnectorError(codeForPgError(e), `PostgreSQL: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
