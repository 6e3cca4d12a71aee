/**
 * A local OAuth2 authorization server in the real wire format (RFC 6749 + PKCE, RFC 7636):
 * `GET /authorize` consents at once (or, with `consentPage`, shows an HTML consent page whose
 * **Allow** button posts the consent) and redirects to `redirect_uri` with `code` and `state`;
 * `POST /token` (form-encoded, client secret in the body or Basic) answers the
 * authorization-code and refresh-token grants with JSON tokens, or `{ error }` with 400.
 * Refreshing rotates the refresh token and revokes the grant's earlier access tokens, so a
 * worker that used a token another one just replaced would be refused. Test knobs: expire
 * every access token, revoke every refresh token, the lifetime of the next tokens.
 *
 * `flavor` speaks a provider's own dialect at its own paths: `github`
 * (`/login/oauth/authorize`, `/login/oauth/access_token`; errors as `200 { error,
 * error_description, error_uri }`, a dead refresh token is `bad_refresh_token`; an OAuth app's
 * tokens neither expire nor refresh unless `refreshTokens`) and `slack` (`/oauth/v2/authorize`,
 * `/api/oauth.v2.access`; `200 { ok: true, token_type: "bot", team, … }`, errors as
 * `200 { ok: false, error }`, a dead refresh token is `invalid_refresh_token`; refresh tokens
 * only with token rotation, `refreshTokens`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export interface OAuthFake {
  url: string;
  authorizationUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Refresh-token grants answered with new tokens. */
  refreshes: number;
  /** Authorization codes exchanged. */
  codeExchanges: number;
  /** Consents given on the consent page (`consentPage`). */
  consents: number;
  /** `expires_in` of the tokens issued next (seconds). */
  expiresIn: number;
  /** The next code exchange fails with this OAuth error (then clears). */
  failNextExchange: { error: string; error_description: string } | undefined;
  /** Whether `token` is a live access token. */
  isLive(token: string | undefined): boolean;
  /** Every access token issued so far stops working (the provider expired them early). */
  expireAccessTokens(): void;
  /** Every refresh token stops working (the user revoked the app). */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

interface Grant {
  refreshToken: string;
  accessTokens: Set<string>;
}

const token = (prefix: string): string => `${prefix}_${randomBytes(18).toString('base64url')}`;
const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export type OAuthFlavor = 'standard' | 'github' | 'slack';

const PATHS: Record<OAuthFlavor, { authorize: string; token: string; access: string; refresh: string }> = {
  standard: { authorize: '/authorize', token: '/token', access: 'ya29', refresh: '1//rt' },
  github: { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token', access: 'gho', refresh: 'ghr' },
  slack: { authorize: '/oauth/v2/authorize', token: '/api/oauth.v2.access', access: 'xoxb', refresh: 'xoxe-1' },
};
/** The provider's name for a refresh token it no longer knows. */
const DEAD_REFRESH: Record<OAuthFlavor, string> = { standard: 'invalid_grant', github: 'bad_refresh_token', slack: 'invalid_refresh_token' };

export async function startOAuthFake(
  opts: { clientId?: string; clientSecret?: string; refreshDelayMs?: number; flavor?: OAuthFlavor; refreshTokens?: boolean; consentPage?: boolean; /** Another loopback address makes the provider cross-site to the stack, as a real one is. */ host?: string } = {},
): Promise<OAuthFake> {
  const flavor = opts.flavor ?? 'standard';
  const paths = PATHS[flavor];
  // GitHub OAuth apps and Slack without token rotation grant long-lived tokens and no refresh token.
  const refreshing = opts.refreshTokens ?? flavor === 'standard';
  const clientId = opts.clientId ?? 'switchboard-test-client';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret-value-0001';
  const codes = new Map<string, { redirectUri: string; challenge: string | undefined; scope: string }>();
  const live = new Set<string>();
  const grants = new Map<string, Grant>();
  const app = express();
  app.use(express.urlencoded({ extended: false }));

  /** The redirect back to the client after consent: a code, or the OAuth error. */
  function consented(q: Record<string, string | undefined>): string {
    const back = new URL(q['redirect_uri']!);
    if (q['response_type'] !== 'code' || (q['code_challenge'] && q['code_challenge_method'] !== 'S256')) {
      back.searchParams.set('error', 'invalid_request');
    } else if (q['deny'] !== undefined) {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = token('code');
      codes.set(code, { redirectUri: q['redirect_uri']!, challenge: q['code_challenge'], scope: q['scope'] ?? '' });
      back.searchParams.set('code', code);
    }
    if (q['state'] !== undefined) back.searchParams.set('state', q['state']);
    return back.toString();
  }
  const escape = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  app.get(paths.authorize, (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q['client_id'] !== clientId || !q['redirect_uri']) {
      res.status(400).type('text').send('invalid client_id or redirect_uri');
      return;
    }
    if (!opts.consentPage) return void res.redirect(302, consented(q));
    // The consent page: the request's parameters ride along in hidden fields to the POST.
    const hidden = Object.entries(q).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v ?? '')}">`).join('');
    res.type('html').send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize Switchboard</title></head><body><h1>Authorize Switchboard</h1>` +
        `<p>Switchboard wants access to: <span id="scopes">${escape(q['scope'] ?? '')}</span></p>` +
        `<form method="post" action="${paths.authorize}">${hidden}<button type="submit">Allow</button><button type="submit" name="deny" value="1">Deny</button></form></body></html>`,
    );
  });
  app.post(paths.authorize, (req, res) => {
    fake.consents++;
    res.redirect(302, consented(req.body as Record<string, string | undefined>));
  });

  const fail = (res: express.Response, status: number, error: string, description: string) => {
    // GitHub and Slack answer token errors with 200, each in its own shape.
    if (flavor === 'github') return res.status(200).json({ error, error_description: description, error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors' });
    if (flavor === 'slack') return res.status(200).json({ ok: false, error });
    return res.status(status).json({ error, error_description: description });
  };
  const issue = (grant: Grant, scope: string) => {
    const access = token(paths.access);
    live.add(access);
    grant.accessTokens.add(access);
    const expiry = refreshing ? { expires_in: fake.expiresIn, refresh_token: grant.refreshToken } : {};
    if (flavor === 'slack') {
      return { ok: true, app_id: 'A0FAKEAPP', authed_user: { id: 'U0INSTALLER' }, scope: scope.replace(/ /g, ','), token_type: 'bot', access_token: access, bot_user_id: 'U0SWITCHBOT', team: { id: 'T0ACME', name: 'Acme' }, enterprise: null, is_enterprise_install: false, ...expiry };
    }
    if (flavor === 'github') return { access_token: access, token_type: 'bearer', scope, ...(refreshing ? { ...expiry, refresh_token_expires_in: 15897600 } : {}) };
    return { access_token: access, token_type: 'Bearer', expires_in: fake.expiresIn, refresh_token: grant.refreshToken, scope };
  };

  app.post(paths.token, async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent) : undefined;
    const [id, secret] = basic ?? [body['client_id'], body['client_secret']];
    if (id !== clientId || secret !== clientSecret) return void fail(res, 401, flavor === 'slack' ? 'bad_client_secret' : flavor === 'github' ? 'incorrect_client_credentials' : 'invalid_client', 'client authentication failed');
    if (body['grant_type'] === 'authorization_code') {
      const code = codes.get(body['code'] ?? '');
      codes.delete(body['code'] ?? '');
      if (!code) return void fail(res, 400, flavor === 'slack' ? 'invalid_code' : flavor === 'github' ? 'bad_verification_code' : 'invalid_grant', 'the authorization code is invalid or was used');
      if (code.redirectUri !== body['redirect_uri']) return void fail(res, 400, 'invalid_grant', 'redirect_uri does not match');
      if (code.challenge && s256(body['code_verifier'] ?? '') !== code.challenge) return void fail(res, 400, 'invalid_grant', 'PKCE verification failed');
      if (fake.failNextExchange) {
        const f = fake.failNextExchange;
        fake.failNextExchange = undefined;
        return void fail(res, 400, f.error, f.error_description);
      }
      fake.codeExchanges++;
      const grant: Grant = { refreshToken: token(paths.refresh), accessTokens: new Set() };
      grants.set(grant.refreshToken, grant);
      return void res.json(issue(grant, code.scope));
    }
    if (body['grant_type'] === 'refresh_token') {
      const grant = grants.get(body['refresh_token'] ?? '');
      if (!grant || !refreshing) return void fail(res, 400, DEAD_REFRESH[flavor], 'Token has been expired or revoked.');
      // Widens the window in which concurrent refreshes would overlap.
      await new Promise((r) => setTimeout(r, opts.refreshDelayMs ?? 100));
      if (!grants.has(grant.refreshToken)) return void fail(res, 400, DEAD_REFRESH[flavor], 'Token has been expired or revoked.');
      grants.delete(grant.refreshToken);
      for (const t of grant.accessTokens) live.delete(t);
      grant.accessTokens.clear();
      grant.refreshToken = token(paths.refresh);
      grants.set(grant.refreshToken, grant);
      fake.refreshes++;
      return void res.json(issue(grant, ''));
    }
    fail(res, 400, 'unsupported_grant_type', `grant_type ${body['grant_type']} is not supported`);
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, opts.host ?? '127.0.0.1', () => resolve(s));
  });
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const fake: OAuthFake = {
    url,
    authorizationUrl: `${url}${paths.authorize}`,
    tokenUrl: `${url}${paths.token}`,
    clientId,
    clientSecret,
    refreshes: 0,
    codeExchanges: 0,
    consents: 0,
    expiresIn: 3600,
    failNextExchange: undefined,
    isLive: (t) => !!t && live.has(t),
    expireAccessTokens: () => live.clear(),
    revokeRefreshTokens: () => grants.clear(),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  return fake;
}
