import { defineEntity, p } from '@mikro-orm/core';

/**
 * An OAuth app: the client id and (encrypted) client secret Switchboard presents to a
 * connector's provider, one per connector, set by an admin. The endpoint URLs override
 * the connector's own (self-hosted providers, local fakes).
 */
export const OAuthAppSchema = defineEntity({
  name: 'OAuthApp',
  tableName: 'oauth_apps',
  properties: {
    connector: p.string().primary(),
    clientId: p.string(),
    /** AES-256-GCM envelope of the client secret, bound to `oauth-app:<connector>`. */
    clientSecret: p.text(),
    authorizationUrl: p.string().nullable(),
    tokenUrl: p.string().nullable(),
    /** Consent scopes replacing the connector's defaults (null: the connector's). */
    scopes: p.json<string[]>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class OAuthApp extends OAuthAppSchema.class {}
OAuthAppSchema.setClass(OAuthApp);

/**
 * A consent flow in progress: started by `POST /oauth/authorize`, consumed (deleted) by the
 * one callback that presents its `state`. Only the SHA-256 of the state is stored; the PKCE
 * verifier and what the connection will be are sealed.
 */
export const OAuthFlowSchema = defineEntity({
  name: 'OAuthFlow',
  tableName: 'oauth_flows',
  properties: {
    stateHash: p.string().primary(),
    connector: p.string(),
    /** Sealed `{ name, config, codeVerifier, redirectUri, principal }`. */
    sealed: p.text(),
    expiresAt: p.datetime().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class OAuthFlow extends OAuthFlowSchema.class {}
OAuthFlowSchema.setClass(OAuthFlow);
