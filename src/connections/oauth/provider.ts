/**
 * The OAuth2 wire work, done by `oauth4webapi`: the consent URL, the authorization-code
 * exchange (PKCE S256) and the refresh grant, over the SSRF-safe fetch. Provider errors
 * become {@link OAuthProviderError}s carrying the provider's `error` and text, never a token.
 */
import * as oauth from 'oauth4webapi';
import type { OAuth2Auth } from '../../../connectors/sdk/oauth.ts';
import type { SafeFetch } from '../../../connectors/sdk/types.ts';
import { OAuthProviderError } from '../../errors.ts';

/** A connector's OAuth2 declaration with its OAuth app applied (client, URL overrides, scopes). */
export interface OAuthClientSettings extends OAuth2Auth {
  clientId: string;
  clientSecret: string;
}

/** What a token endpoint granted. */
export interface GrantedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Absent when the provider did not say (`expires_in`). */
  expiresAt: Date | undefined;
  scope: string | undefined;
}

const TOKEN_TIMEOUT_MS = 15_000;
/** Loopback hosts: `localhost`, `[::1]` and all of 127.0.0.0/8. */
const isLoopback = (hostname: string): boolean => hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

function server(s: OAuthClientSettings): oauth.AuthorizationServer {
  return { issuer: new URL(s.tokenUrl).origin, authorization_endpoint: s.authorizationUrl, token_endpoint: s.tokenUrl };
}

/**
 * Refusals of a refresh token under the names providers give them: RFC 6749's `invalid_grant`,
 * GitHub's `bad_refresh_token`, Slack's `invalid_refresh_token`. Each is answered as `invalid_grant`.
 */
const REFRESH_TOKEN_REFUSED = new Set(['invalid_grant', 'bad_refresh_token', 'invalid_refresh_token']);

/**
 * A token endpoint's answer in RFC 6749's shape for oauth4webapi. GitHub answers errors with
 * `200 { error, error_description }`, Slack with `200 { ok: false, error }`; both become a `400`
 * error body (a dead refresh token as `invalid_grant`). Other answers pass unchanged.
 */
async function conformTokenResponse(res: Response, grantType: string | null): Promise<Response> {
  if (res.status !== 200 || !/json/i.test(res.headers.get('content-type') ?? '')) return res;
  const body = (await res.clone().json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body['error'] !== 'string' || (typeof body['access_token'] === 'string' && body['ok'] !== false)) return res;
  const error = grantType === 'refresh_token' && REFRESH_TOKEN_REFUSED.has(body['error']) ? 'invalid_grant' : body['error'];
  const given = typeof body['error_description'] === 'string' && body['error_description'] ? body['error_description'] : undefined;
  // A renamed error keeps the provider's own name in the text (`bad_refresh_token: …`).
  const description = error === body['error'] ? given : given ? `${body['error']}: ${given}` : body['error'];
  return new Response(JSON.stringify({ error, ...(description ? { error_description: description } : {}) }), { status: 400, headers: { 'content-type': 'application/json' } });
}

function requestOptions(s: OAuthClientSettings, fetch: SafeFetch): oauth.TokenEndpointRequestOptions {
  return {
    [oauth.customFetch]: async (url, init) => {
      const res = await fetch(url, { method: init.method, headers: init.headers, body: init.body ?? null, redirect: 'manual', timeoutMs: TOKEN_TIMEOUT_MS });
      return conformTokenResponse(res, init.body instanceof URLSearchParams ? init.body.get('grant_type') : null);
    },
    // Plain http only to a loopback provider (local fakes, a provider on the same host).
    [oauth.allowInsecureRequests]: isLoopback(new URL(s.tokenUrl).hostname),
    signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
  };
}

/** Token types besides Bearer the connector declares (Slack's `bot`), accepted and used as bearer tokens. */
function processOptions(s: OAuthClientSettings): oauth.ProcessTokenResponseOptions {
  // A connector built with an SDK before `tokenTypes` has none.
  const extra = (s.tokenTypes as string[] | undefined) ?? [];
  return { recognizedTokenTypes: Object.fromEntries(extra.map((t) => [t.toLowerCase(), () => undefined])) };
}

/** A fresh, unguessable `state` and PKCE verifier with its S256 challenge. */
export async function newFlowSecrets(): Promise<{ state: string; codeVerifier: string; codeChallenge: string }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return { state: oauth.generateRandomState(), codeVerifier, codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) };
}

/** The provider's consent URL for one flow. */
export function consentUrl(s: OAuthClientSettings, flow: { state: string; codeChallenge: string; redirectUri: string }): URL {
  const url = new URL(s.authorizationUrl);
  const params: Record<string, string> = {
    ...s.extraParams,
    response_type: 'code',
    client_id: s.clientId,
    redirect_uri: flow.redirectUri,
    state: flow.state,
  };
  if (s.scopes.length) params['scope'] = s.scopes.join(s.scopeSeparator);
  if (s.pkce) Object.assign(params, { code_challenge: flow.codeChallenge, code_challenge_method: 'S256' });
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

function granted(t: oauth.TokenEndpointResponse, now: number): GrantedTokens {
  return {
    accessToken: t.access_token,
    refreshToken: typeof t.refresh_token === 'string' ? t.refresh_token : undefined,
    expiresAt: typeof t.expires_in === 'number' ? new Date(now + t.expires_in * 1000) : undefined,
    scope: typeof t.scope === 'string' ? t.scope : undefined,
  };
}

/** Anything oauth4webapi or the fetch threw, as an {@link OAuthProviderError} without secrets. */
function providerError(err: unknown, what: string): OAuthProviderError {
  if (err instanceof oauth.ResponseBodyError) {
    const text = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    return new OAuthProviderError(`the provider refused the ${what}: ${text}`, { error: err.error, status: err.status });
  }
  if (err instanceof oauth.AuthorizationResponseError) {
    const text = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    return new OAuthProviderError(`the provider refused the authorization: ${text}`, { error: err.error, status: 400 });
  }
  if (err instanceof oauth.OperationProcessingError) {
    const status = err.cause instanceof Response ? err.cause.status : undefined;
    return new OAuthProviderError(`the provider's answer to the ${what} is not a valid OAuth2 token response (${err.message})`, { error: 'invalid_response', status });
  }
  if (err instanceof oauth.UnsupportedOperationError) {
    return new OAuthProviderError(`the provider's answer to the ${what} is not supported (${err.message})`, { error: 'invalid_response' });
  }
  return new OAuthProviderError(`the ${what} did not reach the provider: ${(err as Error)?.message ?? String(err)}`, { error: 'unreachable' });
}

/** Checks the callback's parameters and exchanges its code for tokens. Throws OAuthProviderError. */
export async function exchangeCode(s: OAuthClientSettings, fetch: SafeFetch, callback: URLSearchParams, flow: { state: string; codeVerifier: string; redirectUri: string }): Promise<GrantedTokens> {
  const as = server(s);
  const client: oauth.Client = { client_id: s.clientId };
  try {
    const params = oauth.validateAuthResponse(as, client, callback, flow.state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(s.clientSecret), params, flow.redirectUri, s.pkce ? flow.codeVerifier : oauth.nopkce, requestOptions(s, fetch));
    return granted(await oauth.processAuthorizationCodeResponse(as, client, res, processOptions(s)), Date.now());
  } catch (err) {
    throw providerError(err, 'authorization code');
  }
}

/** The refresh grant. Throws OAuthProviderError (`error: invalid_grant` when the refresh token is dead). */
export async function refreshTokens(s: OAuthClientSettings, fetch: SafeFetch, refreshToken: string): Promise<GrantedTokens> {
  const as = server(s);
  const client: oauth.Client = { client_id: s.clientId };
  try {
    const res = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost(s.clientSecret), refreshToken, requestOptions(s, fetch));
    return granted(await oauth.processRefreshTokenResponse(as, client, res, processOptions(s)), Date.now());
  } catch (err) {
    throw providerError(err, 'token refresh');
  }
}
