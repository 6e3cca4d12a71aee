/**
 * OAuth2 connections: a connector that declares `auth: oauth2({...})` is connected by
 * consent at the provider (authorization code + PKCE) instead of pasted secrets. The
 * engine keeps the tokens (encrypted, refreshed before expiry and once on a 401) and
 * hands the action the current one as `ctx.secrets.accessToken`; the client id and
 * secret are in the connector's OAuth app, set by an admin (`PUT /api/v1/oauth-apps/:connector`).
 */
import { z } from 'zod';

/**
 * How a connector's provider is reached for consent and tokens.
 *
 * @example
 * const auth: OAuth2Auth = oauth2({ authorizationUrl: 'https://accounts.example/authorize', tokenUrl: 'https://accounts.example/token', scopes: ['read'] });
 */
export interface OAuth2Auth {
  type: 'oauth2';
  /** The provider's consent page (overridable per OAuth app, for self-hosted providers and tests). */
  authorizationUrl: string;
  /** The provider's token endpoint (overridable per OAuth app). */
  tokenUrl: string;
  scopes: string[];
  /** Send a PKCE S256 challenge (default true). */
  pkce: boolean;
  /** More query parameters of the consent URL (Google's `access_type: offline`). */
  extraParams: Record<string, string>;
  /** Separator of `scope` (default a space; some providers want a comma). */
  scopeSeparator: string;
  /** `token_type`s besides `Bearer` the token endpoint answers, used as bearer tokens (Slack: `bot`). */
  tokenTypes: string[];
}

/**
 * Declares OAuth2 (authorization code) as a connector's way to connect.
 *
 * @example
 * export default defineConnector({ key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'Acme API',
 *   auth: oauth2({ authorizationUrl: 'https://acme.example/oauth/authorize', tokenUrl: 'https://acme.example/oauth/token', scopes: ['items:write'] }),
 *   config: z.object({}), secrets: oauthSecrets, actions: {} });
 */
export function oauth2(def: { authorizationUrl: string; tokenUrl: string; scopes: string[]; pkce?: boolean; extraParams?: Record<string, string>; scopeSeparator?: string; tokenTypes?: string[] }): OAuth2Auth {
  return {
    type: 'oauth2',
    authorizationUrl: def.authorizationUrl,
    tokenUrl: def.tokenUrl,
    scopes: [...def.scopes],
    pkce: def.pkce ?? true,
    extraParams: { ...def.extraParams },
    scopeSeparator: def.scopeSeparator ?? ' ',
    tokenTypes: [...(def.tokenTypes ?? [])],
  };
}

/**
 * The secrets schema of an OAuth2 connector: the engine fills `accessToken` with a current token.
 *
 * @example
 * const headers = { authorization: `Bearer ${ctx.secrets.accessToken}` };
 */
export const oauthSecrets = z.object({ accessToken: z.string().min(1) });
/**
 * The secrets an OAuth2 connector's actions receive (`ctx.secrets`).
 *
 * @example
 * const token: OAuthSecrets['accessToken'] = ctx.secrets.accessToken;
 */
export type OAuthSecrets = z.infer<typeof oauthSecrets>;
