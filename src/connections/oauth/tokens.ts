/**
 * Keeping an OAuth connection's access token fresh, single-flight across every worker.
 *
 * A token that expires within {@link REFRESH_SKEW_MS} is refreshed before the action runs;
 * a 401 (`AUTH_FAILED`) refreshes once and runs the action again. The refresh is guarded by
 * a lease on the connection row taken with one conditional UPDATE (compare-and-swap on the
 * token generation and a free or lapsed lease), so when many activities on many workers see
 * the same stale token, one refreshes and the others wait for the new generation and use
 * its token — never one the refresh just replaced. A refresh token the provider refuses
 * (`invalid_grant`) marks the connection `needs_reconnect`; its actions then fail with
 * `AUTH_FAILED` at once, not retried.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConnectorError } from '../../../connectors/sdk/errors.ts';
import type { ConnectorDefinition, SafeFetch } from '../../../connectors/sdk/types.ts';
import { Connection } from '../../db/entities/index.ts';
import { OAuthProviderError } from '../../errors.ts';
import { oauthRefreshes } from '../../metrics/metrics.ts';
import type { Keyring } from '../../security/crypto.ts';
import { nanoid } from '../../security/random.ts';
import { openSecrets, sealSecrets, type LoadedConnection } from '../store.ts';
import { oauthClientSettings } from './apps.ts';
import { refreshTokens } from './provider.ts';

/** Refresh when the token expires within this much. */
export const REFRESH_SKEW_MS = 60_000;
/** How long a refresh lease holds; a worker that died mid-refresh frees it after this. */
export const REFRESH_LEASE_MS = 30_000;
const WAIT_STEP_MS = 150;

/** The status of a connection whose refresh token the provider refused. */
export const NEEDS_RECONNECT = 'needs_reconnect';

export interface OAuthTokenDeps {
  em: () => EntityManager;
  keyring: Keyring;
  fetch: SafeFetch;
  /** Called after this process stored a new token (the connection cache forgets). */
  onRefreshed?: (connectionId: string) => void;
}

/** The access token an action uses, with the generation it belongs to. */
export interface CurrentToken {
  accessToken: string;
  generation: number;
}

/** Why an action of a `needs_reconnect` connection fails. */
export function reconnectError(connectionId: string, reason?: string | null): ConnectorError {
  const why = reason ? ` (${reason})` : '';
  return new ConnectorError('AUTH_FAILED', `connection ${connectionId} needs reconnecting: the provider refused its refresh token${why}; press Connect on the connection (POST /api/v1/oauth/authorize) to consent again`);
}

const expiresSoon = (row: { tokenExpiresAt?: Date | null | undefined }, now: number): boolean => !!row.tokenExpiresAt && row.tokenExpiresAt.getTime() - now < REFRESH_SKEW_MS;

function tokenOf(keyring: Keyring, row: Connection): CurrentToken {
  const token = openSecrets(keyring, row)['accessToken'];
  if (typeof token !== 'string' || !token) throw new ConnectorError('CONFIG_INVALID', `connection ${row.id} has no access token; press Connect to consent`);
  return { accessToken: token, generation: row.tokenGeneration };
}

/**
 * The connection's usable access token: the stored one, or (when it expires soon, or
 * `stale` names the generation the provider just refused) a refreshed one, refreshed by
 * exactly one caller across all processes. Throws ConnectorError (AUTH_FAILED when the
 * connection needs reconnecting).
 */
export async function freshAccessToken(deps: OAuthTokenDeps, def: ConnectorDefinition, connectionId: string, stale?: number): Promise<CurrentToken> {
  const deadline = Date.now() + REFRESH_LEASE_MS + 5_000;
  for (;;) {
    const em = deps.em();
    const row = await em.findOne(Connection, { id: connectionId });
    if (!row) throw new ConnectorError('NOT_FOUND', `connection ${connectionId} does not exist`);
    if (row.status === NEEDS_RECONNECT) throw reconnectError(row.id, row.statusReason);
    const now = Date.now();
    // `stale`: the provider refused that generation's token; a newer one is used unless it expires soon too.
    const needsRefresh = expiresSoon(row, now) || row.tokenGeneration === stale;
    if (!needsRefresh) return tokenOf(deps.keyring, row);
    const owner = nanoid(9);
    const leased = await em.nativeUpdate(
      Connection,
      { id: row.id, tokenGeneration: row.tokenGeneration, $or: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { $lt: new Date(now) } }] },
      { refreshLeaseUntil: new Date(now + REFRESH_LEASE_MS), refreshLeaseOwner: owner },
    );
    if (leased === 1) return refreshUnderLease(deps, def, row, owner);
    if (Date.now() > deadline) throw new ConnectorError('TIMEOUT', `the token refresh of connection ${connectionId} by another worker did not finish`);
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS + Math.floor(Math.random() * WAIT_STEP_MS)));
  }
}

async function refreshUnderLease(deps: OAuthTokenDeps, def: ConnectorDefinition, row: Connection, owner: string): Promise<CurrentToken> {
  const em = deps.em();
  const release = (extra: Partial<Pick<Connection, 'status' | 'statusReason'>> = {}) =>
    em.nativeUpdate(Connection, { id: row.id, refreshLeaseOwner: owner }, { refreshLeaseUntil: null, refreshLeaseOwner: null, ...extra });
  const secrets = openSecrets(deps.keyring, row);
  const refreshToken = secrets['refreshToken'];
  if (typeof refreshToken !== 'string' || !refreshToken) {
    const reason = 'the access token expired or was refused and the provider issued no refresh token';
    await release({ status: NEEDS_RECONNECT, statusReason: reason });
    oauthRefreshes.inc({ connector: def.key, outcome: 'rejected' });
    throw reconnectError(row.id, reason);
  }
  try {
    const settings = await oauthClientSettings(em, deps.keyring, def);
    if (!settings) throw new ConnectorError('CONFIG_INVALID', `connector "${def.key}" has no OAuth app (PUT /api/v1/oauth-apps/${def.key}); its tokens cannot be refreshed`);
    const tokens = await refreshTokens(settings, deps.fetch, refreshToken);
    const next = { ...secrets, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? refreshToken };
    const sealed = sealSecrets(deps.keyring, row.id, next);
    const generation = row.tokenGeneration + 1;
    await em.nativeUpdate(
      Connection,
      { id: row.id, refreshLeaseOwner: owner },
      { ...sealed, tokenExpiresAt: tokens.expiresAt ?? null, tokenGeneration: generation, refreshLeaseUntil: null, refreshLeaseOwner: null, updatedAt: new Date() },
    );
    oauthRefreshes.inc({ connector: def.key, outcome: 'ok' });
    deps.onRefreshed?.(row.id);
    return { accessToken: tokens.accessToken, generation };
  } catch (err) {
    if (err instanceof OAuthProviderError && err.error === 'invalid_grant') {
      await release({ status: NEEDS_RECONNECT, statusReason: err.message });
      oauthRefreshes.inc({ connector: def.key, outcome: 'rejected' });
      deps.onRefreshed?.(row.id);
      throw reconnectError(row.id, err.message);
    }
    await release();
    oauthRefreshes.inc({ connector: def.key, outcome: 'failed' });
    if (err instanceof OAuthProviderError) {
      const status = err.status ?? 0;
      const code = err.error === 'unreachable' ? 'TRANSIENT_NETWORK' : status >= 500 || err.error === 'invalid_response' ? 'UPSTREAM_5XX' : 'AUTH_FAILED';
      throw new ConnectorError(code, `token refresh of connection ${row.id} failed: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Runs `run` with a fresh access token of an OAuth connection, and once more with a
 * refreshed one when the provider answers `AUTH_FAILED` (a token revoked or expired early).
 *
 * @example
 * const out = await withAccessToken(deps, def, prepared.connection, (token) => runPreparedAction(withToken(prepared, token), action, input, opts));
 */
export async function withAccessToken<T>(deps: OAuthTokenDeps, def: ConnectorDefinition, loaded: LoadedConnection, run: (accessToken: string) => Promise<T>): Promise<T> {
  const connectionId = loaded.id;
  // The (cached) loaded token is used as is while it is clearly valid: no extra database read per action.
  const cachedToken = loaded.secrets['accessToken'];
  const first =
    loaded.status !== NEEDS_RECONNECT && typeof cachedToken === 'string' && cachedToken && !expiresSoon(loaded, Date.now())
      ? { accessToken: cachedToken, generation: loaded.tokenGeneration ?? 0 }
      : await freshAccessToken(deps, def, connectionId);
  try {
    return await run(first.accessToken);
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.code !== 'AUTH_FAILED') throw err;
    const second = await freshAccessToken(deps, def, connectionId, first.generation);
    return run(second.accessToken);
  }
}
