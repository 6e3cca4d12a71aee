/**
 * OAuth apps: one per OAuth2 connector, the client id and sealed client secret an admin
 * registered with the provider, plus optional endpoint and scope overrides.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { ConnectorDefinition } from '../../../connectors/sdk/types.ts';
import { OAuthApp } from '../../db/entities/index.ts';
import type { Keyring } from '../../security/crypto.ts';
import type { OAuthClientSettings } from './provider.ts';

/** An OAuth app as the API shows it: never the client secret. */
export interface OAuthAppView {
  connector: string;
  clientId: string;
  clientSecretSet: true;
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  /** Where the provider must send people back (register it with the provider). */
  redirectUri: string;
  createdAt: string;
  updatedAt: string;
}

const aad = (connector: string): string => `oauth-app:${connector}`;

/** The callback URL every OAuth app registers with its provider. */
export const oauthRedirectUri = (publicUrl: string): string => `${publicUrl}/oauth/callback`;

export function toAppView(row: OAuthApp, def: ConnectorDefinition, publicUrl: string): OAuthAppView {
  return {
    connector: row.connector,
    clientId: row.clientId,
    clientSecretSet: true,
    authorizationUrl: row.authorizationUrl ?? def.auth!.authorizationUrl,
    tokenUrl: row.tokenUrl ?? def.auth!.tokenUrl,
    scopes: row.scopes ?? def.auth!.scopes,
    redirectUri: oauthRedirectUri(publicUrl),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Creates or replaces the connector's OAuth app (a missing URL or scope list means the connector's own). */
export async function saveOAuthApp(
  em: EntityManager,
  keyring: Keyring,
  connector: string,
  body: { clientId: string; clientSecret: string; authorizationUrl?: string | undefined; tokenUrl?: string | undefined; scopes?: string[] | undefined },
): Promise<OAuthApp> {
  const fields = {
    clientId: body.clientId,
    clientSecret: keyring.encrypt({ clientSecret: body.clientSecret }, aad(connector)),
    authorizationUrl: body.authorizationUrl ?? null,
    tokenUrl: body.tokenUrl ?? null,
    scopes: body.scopes ?? null,
  };
  const existing = await em.findOne(OAuthApp, { connector });
  const row = existing ? em.assign(existing, fields) : em.create(OAuthApp, { connector, ...fields });
  await em.flush();
  return row;
}

/** The connector's declaration with its OAuth app applied, or null when no app is set. Throws DecryptionError. */
export async function oauthClientSettings(em: EntityManager, keyring: Keyring, def: ConnectorDefinition): Promise<OAuthClientSettings | null> {
  if (!def.auth) return null;
  const row = await em.findOne(OAuthApp, { connector: def.key });
  if (!row) return null;
  const { clientSecret } = keyring.decrypt<{ clientSecret: string }>(row.clientSecret, aad(def.key));
  return {
    ...def.auth,
    authorizationUrl: row.authorizationUrl ?? def.auth.authorizationUrl,
    tokenUrl: row.tokenUrl ?? def.auth.tokenUrl,
    scopes: row.scopes ?? def.auth.scopes,
    clientId: row.clientId,
    clientSecret,
  };
}
