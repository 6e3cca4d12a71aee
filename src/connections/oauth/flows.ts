/**
 * The consent flow of an OAuth connection: `startOAuthFlow` stores a single-use flow under
 * the SHA-256 of an unguessable `state` (expiring in {@link FLOW_TTL_MS}) and answers the
 * provider's consent URL; `completeOAuthFlow` consumes the flow its callback names,
 * exchanges the code (PKCE) and creates the connection with its tokens sealed. A wrong,
 * replayed or expired state, or a refused exchange, stores nothing.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { ConnectorDefinition, SafeFetch } from '../../../connectors/sdk/types.ts';
import { Connection, OAuthFlow } from '../../db/entities/index.ts';
import { OAuthCallbackError, OAuthProviderError } from '../../errors.ts';
import type { Keyring } from '../../security/crypto.ts';
import { nanoid } from '../../security/random.ts';
import { CONNECTION_ID_PREFIX, sealSecrets } from '../store.ts';
import { oauthClientSettings, oauthRedirectUri } from './apps.ts';
import { consentUrl, exchangeCode, newFlowSecrets } from './provider.ts';

/** How long a consent flow may take, from Connect to the callback. */
export const FLOW_TTL_MS = 10 * 60_000;

interface FlowData {
  name: string;
  config: Record<string, unknown>;
  codeVerifier: string;
  redirectUri: string;
  /** Reconnecting this connection (new tokens, status back to active) instead of creating one. */
  connectionId?: string | undefined;
}

export interface OAuthFlowDeps {
  em: EntityManager;
  keyring: Keyring;
  fetch: SafeFetch;
  publicUrl: string;
}

const hashOf = (state: string): string => createHash('sha256').update(state).digest('hex');
const aad = (stateHash: string): string => `oauth-flow:${stateHash}`;

/**
 * Starts a consent flow for a new connection of `def` (config already validated); null
 * when the connector has no OAuth app yet. Expired flows are swept on the way.
 */
export async function startOAuthFlow(deps: OAuthFlowDeps, def: ConnectorDefinition, body: { name: string; config: Record<string, unknown>; connectionId?: string | undefined }): Promise<{ authorizationUrl: string; expiresAt: Date } | null> {
  const settings = await oauthClientSettings(deps.em, deps.keyring, def);
  if (!settings) return null;
  const { state, codeVerifier, codeChallenge } = await newFlowSecrets();
  const redirectUri = oauthRedirectUri(deps.publicUrl);
  const stateHash = hashOf(state);
  const expiresAt = new Date(Date.now() + FLOW_TTL_MS);
  const data: FlowData = { name: body.name, config: body.config, codeVerifier, redirectUri, connectionId: body.connectionId };
  await deps.em.nativeDelete(OAuthFlow, { expiresAt: { $lt: new Date() } });
  deps.em.create(OAuthFlow, { stateHash, connector: def.key, sealed: deps.keyring.encrypt(data, aad(stateHash)), expiresAt });
  await deps.em.flush();
  return { authorizationUrl: consentUrl(settings, { state, codeChallenge, redirectUri }).toString(), expiresAt };
}

/**
 * Completes the flow the callback's `state` names: consumed first (a replay finds nothing),
 * then the code is exchanged and the connection created. Throws OAuthCallbackError.
 */
export async function completeOAuthFlow(deps: OAuthFlowDeps, connectors: { get(key: string): ConnectorDefinition | undefined }, query: URLSearchParams): Promise<Connection> {
  const state = query.get('state');
  if (!state || state.length > 1024) throw new OAuthCallbackError(400, 'The callback has no valid state. Start again with Connect.');
  const stateHash = hashOf(state);
  const flow = await deps.em.findOne(OAuthFlow, { stateHash });
  // Single use: only the caller that deletes the row goes on (a concurrent replay deletes nothing).
  const taken = flow ? await deps.em.nativeDelete(OAuthFlow, { stateHash }) : 0;
  if (!flow || taken !== 1) throw new OAuthCallbackError(400, 'This sign-in link is unknown or was already used. Start again with Connect.');
  if (flow.expiresAt.getTime() < Date.now()) throw new OAuthCallbackError(400, 'This sign-in took too long and expired. Start again with Connect.');
  const data = deps.keyring.decrypt<FlowData>(flow.sealed, aad(stateHash));
  const def = connectors.get(flow.connector);
  const settings = def ? await oauthClientSettings(deps.em, deps.keyring, def) : null;
  if (!def || !settings) throw new OAuthCallbackError(400, `Connector "${flow.connector}" is no longer installed or has no OAuth app; nothing was stored.`);
  let tokens;
  try {
    tokens = await exchangeCode(settings, deps.fetch, query, { state, codeVerifier: data.codeVerifier, redirectUri: data.redirectUri });
  } catch (err) {
    if (!(err instanceof OAuthProviderError)) throw err;
    throw new OAuthCallbackError(err.error === 'unreachable' || (err.status ?? 0) >= 500 ? 502 : 400, `The connection was not created: ${err.message}`);
  }
  const secrets = { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) };
  if (data.connectionId) {
    const existing = await deps.em.findOne(Connection, { id: data.connectionId, connector: def.key });
    if (!existing) throw new OAuthCallbackError(400, `Connection ${data.connectionId} no longer exists; nothing was stored.`);
    deps.em.assign(existing, {
      ...sealSecrets(deps.keyring, existing.id, secrets),
      status: 'active',
      statusReason: null,
      tokenExpiresAt: tokens.expiresAt ?? null,
      tokenGeneration: existing.tokenGeneration + 1,
      refreshLeaseUntil: null,
      refreshLeaseOwner: null,
    });
    await deps.em.flush();
    return existing;
  }
  const id = `${CONNECTION_ID_PREFIX}${nanoid(12)}`;
  const row = deps.em.create(Connection, {
    id,
    connector: def.key,
    name: data.name,
    config: data.config,
    ...sealSecrets(deps.keyring, id, secrets),
    status: 'active',
    tokenExpiresAt: tokens.expiresAt ?? null,
    tokenGeneration: 0,
  });
  await deps.em.flush();
  return row;
}
