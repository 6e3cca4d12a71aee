/**
 * OAuth2 connections end to end on a real stack (Temporal dev server, two workers, the API),
 * against a local OAuth2 server and a Google Sheets fake in their wire formats: the OAuth app,
 * Connect → consent redirect → callback → a usable connection whose `append_row` reaches the
 * Sheets fake with the bearer token; an expired token refreshed once for 20 concurrent actions
 * on two workers; a token refreshed before it expires; a revoked refresh token →
 * `needs_reconnect` and AUTH_FAILED once, then reconnecting; bad callbacks storing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionCache } from '../../src/connections/cache.ts';
import { OAuthFlow } from '../../src/db/entities/index.ts';
import { startWorker, type WorkerHandle } from '../../src/temporal/worker.ts';
import { startOAuthFake, type OAuthFake } from '../support/fakes/oauth-provider.ts';
import { startSheetsFake, type SheetsFake } from '../support/fakes/sheets-api.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { inject } from 'vitest';

const SHEET = 'sheet-oauth-1';

describe.each(['sqlite', 'postgresql'] as const)('OAuth2 connections (%s)', (dialect) => {
  let stack: TestStack;
  let oauth: OAuthFake;
  let sheets: SheetsFake;
  let secondWorker: WorkerHandle | undefined;
  const logs: string[] = [];
  let connectionId = '';

  beforeAll(async () => {
    oauth = await startOAuthFake();
    sheets = await startSheetsFake(oauth.isLive);
    sheets.sheets.set(SHEET, [['name', 'email']]);
    stack = await startTestStack({ dialect, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' }, logSink: logs });
  }, 60_000);
  afterAll(async () => {
    await secondWorker?.shutdown();
    await stack?.close();
    await sheets?.close();
    await oauth?.close();
  });

  const connectionCount = async () => ((await (await stack.api('/api/v1/connections?connector=google_sheets')).json()) as { items: unknown[] }).items.length;
  const authorize = async (body: Record<string, unknown>) => stack.api('/api/v1/oauth/authorize', { method: 'POST', json: body });
  /** The browser's part: the provider consents and redirects; the callback answers. */
  async function consent(authorizationUrl: string): Promise<{ callbackUrl: string; res: Response }> {
    const atProvider = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    const callbackUrl = atProvider.headers.get('location')!;
    expect(callbackUrl.startsWith(`${stack.baseUrl}/oauth/callback?`)).toBe(true);
    return { callbackUrl, res: await fetch(callbackUrl, { redirect: 'manual' }) };
  }
  const appendRow = (values: string[]) =>
    stack.api(`/api/v1/connections/${connectionId}/actions/append_row`, { method: 'POST', json: { input: { spreadsheetId: SHEET, range: 'Sheet1!A:B', values } } });

  it('Connect needs an OAuth app, which an admin sets (the client secret is never answered)', async () => {
    const early = await authorize({ connector: 'google_sheets', name: 'sheets', config: { baseUrl: sheets.url } });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('OAUTH_APP_MISSING');
    const notOAuth = await authorize({ connector: 'http', name: 'plain' });
    expect(notOAuth.status).toBe(400);

    const put = await stack.api('/api/v1/oauth-apps/google_sheets', {
      method: 'PUT',
      json: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, authorizationUrl: oauth.authorizationUrl, tokenUrl: oauth.tokenUrl },
    });
    expect(put.status).toBe(200);
    const text = await put.text();
    expect(text).not.toContain(oauth.clientSecret);
    expect(JSON.parse(text)).toMatchObject({ connector: 'google_sheets', clientId: oauth.clientId, clientSecretSet: true, tokenUrl: oauth.tokenUrl, redirectUri: `${stack.baseUrl}/oauth/callback` });
    const bad = await stack.api('/api/v1/oauth-apps/google_sheets', { method: 'PUT', json: { clientId: 'x', clientSecret: 'y', tokenUrl: 'ftp://nope' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('body.tokenUrl');
  });

  it('Connect → consent → callback creates a working connection; append_row carries the bearer token', async () => {
    const res = await authorize({ connector: 'google_sheets', name: 'sheets', config: { baseUrl: sheets.url } });
    expect(res.status).toBe(200);
    const { authorizationUrl } = (await res.json()) as { authorizationUrl: string };
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe(oauth.authorizationUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/spreadsheets');

    const { callbackUrl, res: back } = await consent(authorizationUrl);
    expect(back.status).toBe(303);
    const location = back.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${stack.baseUrl}/connections/conn_`));
    connectionId = location.slice(location.lastIndexOf('/') + 1);

    // The state is single use: the same callback again stores nothing.
    const replay = await fetch(callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    expect(await connectionCount()).toBe(1);

    const view = (await (await stack.api(`/api/v1/connections/${connectionId}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ connector: 'google_sheets', name: 'sheets', status: 'active', secretFields: ['accessToken', 'refreshToken'] });
    expect(Date.parse(view['tokenExpiresAt'] as string)).toBeGreaterThan(Date.now() + 3000_000);

    const run = await appendRow(['Ada', 'ada@example.com']);
    expect(run.status).toBe(200);
    const body = (await run.json()) as { output: { updates: { updatedRows: number; updatedRange: string } } };
    expect(body.output.updates).toMatchObject({ updatedRows: 1, updatedRange: 'Sheet1!A2:B2' });
    expect(sheets.sheets.get(SHEET)!.at(-1)).toEqual(['Ada', 'ada@example.com']);
    expect(oauth.isLive(sheets.tokens.at(-1))).toBe(true);
    expect(oauth.refreshes).toBe(0);
  });

  it('an expired token: 20 concurrent actions on two workers cause exactly one refresh', async () => {
    secondWorker = await startWorker({ ...stack.services, connectionCache: createConnectionCache(stack.services.orm, stack.services.keyring), address: inject('temporalAddress') });
    const rowsBefore = sheets.sheets.get(SHEET)!.length;
    oauth.expireAccessTokens();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => appendRow([`user-${i}`, `u${i}@example.com`])));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(oauth.refreshes).toBe(1);
    expect(sheets.sheets.get(SHEET)!.length).toBe(rowsBefore + 20);
    // Every accepted call after the refresh used the one new token.
    expect(new Set(sheets.tokens.slice(-20)).size).toBe(1);
    // From here one worker: its cache is what the refresh invalidates, so the next steps are exact.
    await secondWorker.shutdown();
    secondWorker = undefined;
  });

  it('a token about to expire is refreshed before the call', async () => {
    oauth.expiresIn = 30; // below the one-minute margin
    oauth.expireAccessTokens();
    expect((await appendRow(['short', 'lived'])).status).toBe(200);
    expect(oauth.refreshes).toBe(2);
    oauth.expiresIn = 3600;
    const refused = sheets.unauthorized;
    expect((await appendRow(['fresh', 'token'])).status).toBe(200);
    expect(oauth.refreshes).toBe(3);
    // Refreshed up front: the provider never saw the old token on this call.
    expect(sheets.unauthorized).toBe(refused);
  });

  it('a revoked refresh token marks the connection needs_reconnect; actions fail once with AUTH_FAILED; Connect again repairs it', async () => {
    // The counter is the process's (both dialects' suites run in it): this test adds one rejection.
    const rejected = async () => Number((await (await stack.api('/metrics')).text()).match(/^switchboard_oauth_token_refreshes_total\{connector="google_sheets",outcome="rejected"\} (\d+)$/m)?.[1] ?? 0);
    const rejectedBefore = await rejected();
    // The gauge is this stack's database, counted at scrape time.
    const needsReconnect = async () => Number((await (await stack.api('/metrics')).text()).match(/^switchboard_connections_needs_reconnect\{connector="google_sheets"\} (\d+)$/m)?.[1] ?? -1);
    expect(await needsReconnect()).toBe(0);
    oauth.revokeRefreshTokens();
    oauth.expireAccessTokens();
    const failed = await appendRow(['after', 'revoke']);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const error = ((await failed.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(/needs reconnecting.*Connect/);
    const view = (await (await stack.api(`/api/v1/connections/${connectionId}`)).json()) as Record<string, unknown>;
    expect(view['status']).toBe('needs_reconnect');
    expect(view['statusReason']).toContain('invalid_grant');
    expect(await rejected()).toBe(rejectedBefore + 1);
    expect(await needsReconnect()).toBe(1);
    const again = await appendRow(['still', 'revoked']);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('AUTH_FAILED');
    const testWhileDead = (await (await stack.api(`/api/v1/connections/${connectionId}/test`, { method: 'POST' })).json()) as { ok: boolean | null; message: string };
    expect(testWhileDead).toMatchObject({ ok: false });
    expect(testWhileDead.message).toMatch(/^AUTH_FAILED: .*needs reconnecting/);

    const res = await authorize({ connector: 'google_sheets', name: 'sheets', connectionId });
    const { res: back } = await consent(((await res.json()) as { authorizationUrl: string }).authorizationUrl);
    expect(back.headers.get('location')).toBe(`${stack.baseUrl}/connections/${connectionId}`);
    expect(((await (await stack.api(`/api/v1/connections/${connectionId}`)).json()) as Record<string, unknown>)['status']).toBe('active');
    expect(await needsReconnect()).toBe(0);
    expect((await appendRow(['back', 'again'])).status).toBe(200);
    expect(await connectionCount()).toBe(1);
    // Test Connection makes a real call with the stored token (Sheets answers 404 for the probe id, 401 for a dead token).
    const tested = (await (await stack.api(`/api/v1/connections/${connectionId}/test`, { method: 'POST' })).json()) as { ok: boolean | null };
    expect(tested.ok).toBe(true);
    oauth.expireAccessTokens();
    oauth.revokeRefreshTokens();
    const refusedTest = (await (await stack.api(`/api/v1/connections/${connectionId}/test`, { method: 'POST' })).json()) as { ok: boolean | null; message: string };
    expect(refusedTest.ok).toBe(false);
    expect(refusedTest.message).toContain('AUTH_FAILED');
  });

  it('bad callbacks store nothing: unknown or expired state, a provider error at the token endpoint', async () => {
    const forged = await fetch(`${stack.baseUrl}/oauth/callback?code=abc&state=forged-state-value`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toContain('text/html');

    const expiring = (await (await authorize({ connector: 'google_sheets', name: 'late' })).json()) as { authorizationUrl: string };
    await stack.services.orm.em.fork().nativeUpdate(OAuthFlow, {}, { expiresAt: new Date(Date.now() - 1000) });
    const late = await consent(expiring.authorizationUrl);
    expect(late.res.status).toBe(400);
    expect(await late.res.text()).toContain('expired');

    oauth.failNextExchange = { error: 'invalid_grant', error_description: 'Malformed auth code.' };
    const refused = (await (await authorize({ connector: 'google_sheets', name: 'refused' })).json()) as { authorizationUrl: string };
    const r = await consent(refused.authorizationUrl);
    expect(r.res.status).toBe(400);
    const page = await r.res.text();
    expect(page).toContain('Malformed auth code.');
    expect(page).not.toContain(oauth.clientSecret);
    expect(await connectionCount()).toBe(1);
  });

  it('no token or client secret in any log line', () => {
    const text = logs.join('\n');
    expect(sheets.tokens.length).toBeGreaterThan(20);
    for (const t of new Set(sheets.tokens)) expect(text).not.toContain(t);
    expect(text).not.toContain(oauth.clientSecret);
  });
});
