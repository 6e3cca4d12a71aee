import { ConnectorError } from '../sdk/errors.ts';
import type { HttpConfig, HttpSecrets } from './schemas.ts';

/** Absolute URL of a request: relative ones resolve against the config's baseUrl. */
export function resolveUrl(config: HttpConfig, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  if (!config.baseUrl) throw new ConnectorError('INVALID_INPUT', `relative URL "${url}" needs a baseUrl in the connection config`);
  return new URL(url.replace(/^\//, ''), config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`).href;
}

/** Authorization header from the connection's secrets (bearer wins over basic). */
export function authHeaders(secrets: HttpSecrets): Record<string, string> {
  if (secrets.bearerToken) return { authorization: `Bearer ${secrets.bearerToken}` };
  if (secrets.basicAuth) {
    const { username, password } = secrets.basicAuth;
    return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  }
  return {};
}

/** Methods that change state: only these carry the step's idempotency key. */
const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The idempotency header of a request: `{ [config.idempotencyKeyHeader]: key }` for a
 * state-changing method, unless the connection turned it off or the request already
 * sets that header itself (an explicit value wins).
 */
export function idempotencyHeader(config: HttpConfig, method: string, key: string, headers: Record<string, string>): Record<string, string> {
  const name = config.idempotencyKeyHeader;
  if (name === false || !UNSAFE_METHODS.has(method.toUpperCase())) return {};
  const lower = name.toLowerCase();
  if (Object.keys(headers).some((h) => h.toLowerCase() === lower)) return {};
  return { [name]: key };
}
