/**
 * The GitHub and Slack OAuth2 connectors end to end on a real stack (Temporal dev server, a
 * worker, the API, SQLite) against local fakes in their providers' own dialects: GitHub's OAuth
 * app (`/login/oauth/access_token`, errors as `200 { error }`, tokens that never expire and no
 * refresh token) with a REST v3 fake, and Slack's OAuth v2 (`oauth.v2.access`, `token_type: bot`,
 * errors as `200 { ok: false }`, token rotation with refresh tokens) with a Web API fake.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthFake, type OAuthFake } from '../support/fakes/oauth-provider.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

interface ApiFake {
  url: string;
  /** The bearer token of every accepted call, with its path. */
  calls: { path: string; token: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function serve(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
const bearer = (req: express.Request) => (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined);

/** GitHub REST v3: `GET /user`, `POST /repos/:owner/:repo/issues`; a dead token is 401 "Bad credentials". */
async function startGithubApiFake(isLive: (t: string | undefined) => boolean): Promise<ApiFake> {
  const calls: ApiFake['calls'] = [];
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    if (!isLive(bearer(req))) return void res.status(401).json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    calls.push({ path: req.path, token: bearer(req)!, body: req.body as Record<string, unknown> });
    next();
  });
  app.get('/user', (_req, res) => res.json({ login: 'octo-switch', id: 7, type: 'User' }));
  app.post('/repos/:owner/:repo/issues', (req, res) => {
    res.status(201).json({ id: 9001, number: calls.length, html_url: `https://github.com/${req.params.owner}/${req.params.repo}/issues/${calls.length}`, title: (req.body as { title: string }).title });
  });
  return { ...(await serve(app)), calls };
}

/** Slack Web API: `auth.test`, `chat.postMessage`; errors as `200 { ok: false, error }` (`token_expired`, `invalid_auth`). */
async function startSlackApiFake(isLive: (t: string | undefined) => boolean, expired: Set<string>): Promise<ApiFake> {
  const calls: ApiFake['calls'] = [];
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    const t = bearer(req);
    if (!isLive(t)) return void res.json({ ok: false, error: t && expired.has(t) ? 'token_expired' : 'invalid_auth' });
    calls.push({ path: req.path, token: t!, body: req.body as Record<string, unknown> });
    next();
  });
  app.post('/api/auth.test', (_req, res) => res.json({ ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'switchbot', team_id: 'T0ACME', user_id: 'U0SWITCHBOT', bot_id: 'B0BOT' }));
  app.post('/api/chat.postMessage', (req, res) => res.json({ ok: true, channel: 'C0GENERAL', ts: `1700000000.00000${calls.length}`, message: { text: (req.body as { text: string }).text } }));
  return { ...(await serve(app)), calls };
}

describe('GitHub and Slack OAuth2 connectors', () => {
  let stack: TestStack;
  let github: OAuthFake;
  let slack: OAuthFake;
  let githubApi: ApiFake;
  let slackApi: ApiFake;
  /** Slack access tokens the fake expired (answered `token_expired`, not `invalid_auth`). */
  const expiredSlack = new Set<string>();
  const logs: string[] = [];

  beforeAll(async () => {
    github = await startOAuthFake({ flavor: 'github' });
    slack = await startOAuthFake({ flavor: 'slack', refreshTokens: true });
    slack.expiresIn = 43_200;
    githubApi = await startGithubApiFake(github.isLive);
    slackApi = await startSlackApiFake(slack.isLive, expiredSlack);
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' }, logSink: logs });
    for (const [connector, fake] of [['github_oauth', github], ['slack_oauth', slack]] as const) {
      const put = await stack.api(`/api/v1/oauth-apps/${connector}`, { method: 'PUT', json: { clientId: fake.clientId, clientSecret: fake.clientSecret, authorizationUrl: fake.authorizationUrl, tokenUrl: fake.tokenUrl } });
      expect(put.status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await githubApi?.close();
    await slackApi?.close();
    await github?.close();
    await slack?.close();
  });

  /** POST /oauth/authorize, then the browser's part: the provider consents and redirects to the callback. */
  async function connect(body: Record<string, unknown>): Promise<{ authorizationUrl: URL; res: Response }> {
    const started = await stack.api('/api/v1/oauth/authorize', { method: 'POST', json: body });
    expect(started.status, await started.clone().text()).toBe(200);
    const authorizationUrl = new URL(((await started.json()) as { authorizationUrl: string }).authorizationUrl);
    const atProvider = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    return { authorizationUrl, res: await fetch(atProvider.headers.get('location')!, { redirect: 'manual' }) };
  }
  const connectionIdOf = (res: Response) => {
    expect(res.status).toBe(303);
    return res.headers.get('location')!.split('/').pop()!;
  };
  const view = async (id: string) => (await (await stack.api(`/api/v1/connections/${id}`)).json()) as Record<string, unknown>;
  const act = (id: string, action: string, input: object) => stack.api(`/api/v1/connections/${id}/actions/${action}`, { method: 'POST', json: { input } });
  const test = async (id: string) => (await (await stack.api(`/api/v1/connections/${id}/test`, { method: 'POST' })).json()) as { ok: boolean | null; message: string };
  const count = async (connector: string) => ((await (await stack.api(`/api/v1/connections?connector=${connector}`)).json()) as { items: unknown[] }).items.length;
  const gauge = async (connector: string) => Number((await (await stack.api('/metrics')).text()).match(new RegExp(`^switchboard_connections_needs_reconnect\\{connector="${connector}"\\} (\\d+)$`, 'm'))?.[1] ?? -1);

  describe('GitHub (OAuth app)', () => {
    let id = '';

    it('a provider error at the token endpoint (GitHub answers it with 200) shows its text and stores nothing', async () => {
      github.failNextExchange = { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' };
      const { res } = await connect({ connector: 'github_oauth', name: 'refused', config: { baseUrl: githubApi.url } });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain('bad_verification_code: The code passed is incorrect or expired.');
      expect(page).not.toContain(github.clientSecret);
      expect(await count('github_oauth')).toBe(0);
    });

    it('Connect → consent → callback: a connection whose actions carry the GitHub token', async () => {
      const { authorizationUrl, res } = await connect({ connector: 'github_oauth', name: 'octo', config: { baseUrl: githubApi.url } });
      expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${github.url}/login/oauth/authorize`);
      expect(authorizationUrl.searchParams.get('scope')).toBe('repo');
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
      id = connectionIdOf(res);
      const v = await view(id);
      // A GitHub OAuth app's token neither expires nor comes with a refresh token.
      expect(v).toMatchObject({ connector: 'github_oauth', status: 'active', secretFields: ['accessToken'] });
      expect(v['tokenExpiresAt'] ?? null).toBeNull();

      const run = await act(id, 'create_issue', { owner: 'acme', repo: 'app', title: 'From OAuth' });
      expect(run.status, await run.clone().text()).toBe(200);
      expect(((await run.json()) as { output: unknown }).output).toMatchObject({ id: 9001, url: expect.stringMatching(/^https:\/\/github\.com\/acme\/app\/issues\/\d+$/) });
      const call = githubApi.calls.at(-1)!;
      expect(call).toMatchObject({ path: '/repos/acme/app/issues', body: { title: 'From OAuth' } });
      expect(call.token).toMatch(/^gho_/);
      expect(github.isLive(call.token)).toBe(true);
      expect(await test(id)).toEqual({ ok: true, message: 'authenticated as octo-switch' });
    });

    it('a revoked token without a refresh token: needs_reconnect, AUTH_FAILED without a refresh attempt', async () => {
      github.expireAccessTokens();
      const failed = await act(id, 'create_issue', { owner: 'acme', repo: 'app', title: 'After revoke' });
      const error = ((await failed.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('AUTH_FAILED');
      expect(error.message).toMatch(/needs reconnecting.*no refresh token.*Connect/);
      expect(github.refreshes).toBe(0);
      expect(await view(id)).toMatchObject({ status: 'needs_reconnect' });
      expect(await gauge('github_oauth')).toBe(1);
      const { res } = await connect({ connector: 'github_oauth', name: 'octo', connectionId: id });
      expect(connectionIdOf(res)).toBe(id);
      expect((await act(id, 'create_issue', { owner: 'acme', repo: 'app', title: 'Reconnected' })).status).toBe(200);
      expect(await gauge('github_oauth')).toBe(0);
    });
  });

  it('GitHub App user tokens (expiring, with refresh tokens): refreshed on a 401; bad_refresh_token (answered with 200) → needs_reconnect', async () => {
    const app = await startOAuthFake({ flavor: 'github', refreshTokens: true });
    const api = await startGithubApiFake(app.isLive);
    try {
      const put = await stack.api('/api/v1/oauth-apps/github_oauth', { method: 'PUT', json: { clientId: app.clientId, clientSecret: app.clientSecret, authorizationUrl: app.authorizationUrl, tokenUrl: app.tokenUrl } });
      expect(put.status).toBe(200);
      const id = connectionIdOf((await connect({ connector: 'github_oauth', name: 'github app', config: { baseUrl: api.url } })).res);
      expect(await view(id)).toMatchObject({ status: 'active', secretFields: ['accessToken', 'refreshToken'] });
      app.expireAccessTokens();
      const run = await act(id, 'create_issue', { owner: 'acme', repo: 'app', title: 'After refresh' });
      expect(run.status, await run.clone().text()).toBe(200);
      expect(app.refreshes).toBe(1);
      expect(api.calls.at(-1)!.token).toMatch(/^gho_/);
      app.revokeRefreshTokens();
      app.expireAccessTokens();
      const failed = ((await (await act(id, 'create_issue', { owner: 'acme', repo: 'app', title: 'After revoke' })).json()) as { error: { code: string } }).error;
      expect(failed.code).toBe('AUTH_FAILED');
      const v = await view(id);
      expect(v['status']).toBe('needs_reconnect');
      expect(v['statusReason']).toContain('bad_refresh_token');
    } finally {
      await api.close();
      await app.close();
    }
  });

  describe('Slack (OAuth v2, bot token with rotation)', () => {
    let id = '';
    const send = (text: string) => act(id, 'send_message', { channel: '#general', text });

    it('a code Slack refuses (200 { ok: false }) shows its error and stores nothing', async () => {
      slack.failNextExchange = { error: 'invalid_code', error_description: '' };
      const { res } = await connect({ connector: 'slack_oauth', name: 'refused', config: { baseUrl: `${slackApi.url}/api` } });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('the provider refused the authorization code: invalid_code');
      expect(await count('slack_oauth')).toBe(0);
    });

    it('"Add to Slack" → callback: the bot token (token_type bot) posts messages', async () => {
      const { authorizationUrl, res } = await connect({ connector: 'slack_oauth', name: 'acme slack', config: { baseUrl: `${slackApi.url}/api` } });
      expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${slack.url}/oauth/v2/authorize`);
      expect(authorizationUrl.searchParams.get('scope')).toBe('chat:write,files:write');
      id = connectionIdOf(res);
      const v = await view(id);
      expect(v).toMatchObject({ connector: 'slack_oauth', status: 'active', secretFields: ['accessToken', 'refreshToken'] });
      expect(Date.parse(v['tokenExpiresAt'] as string)).toBeGreaterThan(Date.now() + 43_000_000);

      const run = await send('hello from OAuth');
      expect(run.status, await run.clone().text()).toBe(200);
      expect(((await run.json()) as { output: unknown }).output).toMatchObject({ channel: 'C0GENERAL' });
      const call = slackApi.calls.at(-1)!;
      expect(call).toMatchObject({ path: '/api/chat.postMessage', body: { channel: '#general', text: 'hello from OAuth' } });
      expect(call.token).toMatch(/^xoxb_/);
      expect(await test(id)).toEqual({ ok: true, message: 'authenticated as switchbot in Acme' });
    });

    it('an expired bot token (token_expired) is refreshed once and the message posted', async () => {
      for (const c of slackApi.calls) expiredSlack.add(c.token);
      slack.expireAccessTokens();
      const run = await send('after expiry');
      expect(run.status, await run.clone().text()).toBe(200);
      expect(slack.refreshes).toBe(1);
      const call = slackApi.calls.at(-1)!;
      expect(call.body).toMatchObject({ text: 'after expiry' });
      expect(expiredSlack.has(call.token)).toBe(false);
      expect(slack.isLive(call.token)).toBe(true);
    });

    it('a refresh token Slack refuses (invalid_refresh_token) marks needs_reconnect; the action fails once with AUTH_FAILED', async () => {
      for (const c of slackApi.calls) expiredSlack.add(c.token);
      slack.revokeRefreshTokens();
      slack.expireAccessTokens();
      const failed = await send('after revoke');
      const error = ((await failed.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('AUTH_FAILED');
      expect(error.message).toMatch(/needs reconnecting.*invalid_grant.*Connect/);
      const v = await view(id);
      expect(v['status']).toBe('needs_reconnect');
      expect(v['statusReason']).toContain('invalid_refresh_token');
      expect(await gauge('slack_oauth')).toBe(1);
      const posts = slackApi.calls.length;
      expect(((await (await send('still revoked')).json()) as { error: { code: string } }).error.code).toBe('AUTH_FAILED');
      expect(slackApi.calls.length).toBe(posts);
    });
  });

  it('no token or client secret in any log line', () => {
    const text = logs.join('\n');
    for (const t of new Set([...githubApi.calls, ...slackApi.calls].map((c) => c.token))) expect(text).not.toContain(t);
    expect(text).not.toContain(github.clientSecret);
    expect(text).not.toContain(slack.clientSecret);
  });
});
