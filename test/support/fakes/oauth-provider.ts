/**
 * A local OAuth2 authorization server in the real wire format (RFC 6749 + PKCE, RFC 7636):
 * `GET /authorize` consents at once and redirects to `redirect_uri` with `code` and `state`;
 * `POST /token` (form-encoded, client secret in the body or Basic) answers the
 * authorization-code and refresh-token grants with JSON tokens, or `{ error }` with 400.
 * Refreshing rotates the refresh token and revokes the grant's earlier access tokens, so a
 * worker that used a token another one just replaced would be refused. Test knobs: expire
 * every access token, revoke every refresh token, the lifetime of the next tokens.
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

export async function startOAuthFake(opts: { clientId?: string; clientSecret?: string; refreshDelayMs?: number } = {}): Promise<OAuthFake> {
  const clientId = opts.clientId ?? 'switchboard-test-client';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret-value-0001';
  const codes = new Map<string, { redirectUri: string; challenge: string | undefined; scope: string }>();
  const live = new Set<string>();
  const grants = new Map<string, Grant>();
  const app = express();
  app.use(express.urlencoded({ extended: false }));

  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q['client_id'] !== clientId || !q['redirect_uri']) {
      res.status(400).type('text').send('invalid client_id or redirect_uri');
      return;
    }
    const back = new URL(q['redirect_uri']);
    if (q['response_type'] !== 'code' || (q['code_challenge'] && q['code_challenge_method'] !== 'S256')) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = token('code');
      codes.set(code, { redirectUri: q['redirect_uri'], challenge: q['code_challenge'], scope: q['scope'] ?? '' });
      back.searchParams.set('code', code);
    }
    if (q['state'] !== undefined) back.searchParams.set('state', q['state']);
    res.redirect(302, back.toString());
  });

  const fail = (res: express.Response, status: number, error: string, description: string) => res.status(status).json({ error, error_description: description });
  const issue = (grant: Grant, scope: string) => {
    const access = token('ya29');
    live.add(access);
    grant.accessTokens.add(access);
    return { access_token: access, token_type: 'Bearer', expires_in: fake.expiresIn, refresh_token: grant.refreshToken, scope };
  };

  app.post('/token', async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent) : undefined;
    const [id, secret] = basic ?? [body['client_id'], body['client_secret']];
    if (id !== clientId || secret !== clientSecret) return void fail(res, 401, 'invalid_client', 'client authentication failed');
    if (body['grant_type'] === 'authorization_code') {
      const code = codes.get(body['code'] ?? '');
      codes.delete(body['code'] ?? '');
      if (!code) return void fail(res, 400, 'invalid_grant', 'the authorization code is invalid or was used');
      if (code.redirectUri !== body['redirect_uri']) return void fail(res, 400, 'invalid_grant', 'redirect_uri does not match');
      if (code.challenge && s256(body['code_verifier'] ?? '') !== code.challenge) return void fail(res, 400, 'invalid_grant', 'PKCE verification failed');
      if (fake.failNextExchange) {
        const f = fake.failNextExchange;
        fake.failNextExchange = undefined;
        return void fail(res, 400, f.error, f.error_description);
      }
      fake.codeExchanges++;
      const grant: Grant = { refreshToken: token('1//rt'), accessTokens: new Set() };
      grants.set(grant.refreshToken, grant);
      return void res.json(issue(grant, code.scope));
    }
    if (body['grant_type'] === 'refresh_token') {
      const grant = grants.get(body['refresh_token'] ?? '');
      if (!grant) return void fail(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
      // Widens the window in which concurrent refreshes would overlap.
      await new Promise((r) => setTimeout(r, opts.refreshDelayMs ?? 100));
      if (!grants.has(grant.refreshToken)) return void fail(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
      grants.delete(grant.refreshToken);
      for (const t of grant.accessTokens) live.delete(t);
      grant.accessTokens.clear();
      grant.refreshToken = token('1//rt');
      grants.set(grant.refreshToken, grant);
      fake.refreshes++;
      return void res.json(issue(grant, ''));
    }
    fail(res, 400, 'unsupported_grant_type', `grant_type ${body['grant_type']} is not supported`);
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: OAuthFake = {
    url,
    authorizationUrl: `${url}/authorize`,
    tokenUrl: `${url}/token`,
    clientId,
    clientSecret,
    refreshes: 0,
    codeExchanges: 0,
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
