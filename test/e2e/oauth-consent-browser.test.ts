/**
 * OAuth2 consent in a real browser: Chromium against a real stack (API, worker, Temporal dev
 * server, SQLite), a local OAuth2 server with a consent page on another loopback address (so the
 * provider is cross-site to Switchboard, as a real one is) and a Google Sheets fake. An admin
 * sets the OAuth app in the console, presses Connect, clicks Allow at the provider and comes back
 * to a connected connection whose `append_row` reaches the fake with the bearer token; a refused
 * consent and a provider error show their reason and store nothing; a revoked grant shows
 * "Needs reconnecting" and Reconnect repairs it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startOAuthFake, type OAuthFake } from '../support/fakes/oauth-provider.ts';
import { startSheetsFake, type SheetsFake } from '../support/fakes/sheets-api.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

const SHEET = 'sheet-browser-1';

describe('OAuth2 consent in Chromium', () => {
  let stack: TestStack;
  let oauth: OAuthFake;
  let sheets: SheetsFake;
  let browser: Browser;
  let page: Page;
  let connectionId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    oauth = await startOAuthFake({ consentPage: true, host: '127.0.0.2' });
    sheets = await startSheetsFake(oauth.isLive);
    sheets.sheets.set(SHEET, [['name', 'email']]);
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.0/8' } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await sheets?.close();
    await oauth?.close();
  });

  const connections = async () => ((await (await stack.api('/api/v1/connections?connector=google_sheets')).json()) as { items: { id: string; name: string }[] }).items;
  const appendRow = (values: string[]) =>
    stack.api(`/api/v1/connections/${connectionId}/actions/append_row`, { method: 'POST', json: { input: { spreadsheetId: SHEET, range: 'Sheet1!A:B', values } } });

  async function newSheetsConnection(name: string): Promise<void> {
    await page.goto(stack.baseUrl + '/connections/new');
    await page.getByLabel('Connector').selectOption('google_sheets');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.locator('#config_baseUrl').fill(sheets.url);
  }

  it('an admin sets the OAuth app in the console; the client secret is never shown again', async () => {
    await newSheetsConnection('Finance sheets');
    const section = page.getByRole('region', { name: 'OAuth app' });
    await section.getByText(/^Not set yet/).waitFor();
    // Connect before the app exists: the API's 409 is shown.
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('alert').getByText(/has no OAuth app/).waitFor();

    await section.getByLabel('Client ID').fill(oauth.clientId);
    await section.getByLabel('Client secret').fill(oauth.clientSecret);
    await section.getByLabel('Authorization URL (optional)').fill(oauth.authorizationUrl);
    await section.getByLabel('Token URL (optional)').fill(oauth.tokenUrl);
    await section.getByRole('button', { name: 'Save OAuth app' }).click();
    await section.getByRole('status').filter({ hasText: 'OAuth app saved' }).waitFor();
    await section.getByText(`Register ${stack.baseUrl}/oauth/callback as the redirect URI`, { exact: false }).waitFor();
    expect(await section.getByLabel('Client secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(oauth.clientSecret);
    const app = (await (await stack.api('/api/v1/oauth-apps/google_sheets')).json()) as Record<string, unknown>;
    expect(app).toMatchObject({ clientId: oauth.clientId, clientSecretSet: true, authorizationUrl: oauth.authorizationUrl, tokenUrl: oauth.tokenUrl });
  });

  it('Connect → the provider’s consent page → Allow → back at a connected connection; append_row carries the bearer token', async () => {
    await newSheetsConnection('Finance sheets');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL((u) => u.origin === oauth.url);
    await page.getByRole('heading', { name: 'Authorize Switchboard' }).waitFor();
    expect(await page.locator('#scopes').innerText()).toBe('https://www.googleapis.com/auth/spreadsheets');
    const consentUrl = new URL(page.url());
    expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${stack.baseUrl}/oauth/callback`);
    expect(oauth.codeExchanges).toBe(0);

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/connections\/conn_/);
    connectionId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByRole('heading', { name: 'Finance sheets' }).waitFor();
    await page.getByRole('region', { name: 'Account' }).getByRole('status').filter({ hasText: /^Connected$/ }).waitFor();
    await page.getByRole('button', { name: 'Reconnect' }).waitFor();
    expect(oauth.consents).toBe(1);
    expect(oauth.codeExchanges).toBe(1);
    expect((await connections()).map((c) => c.id)).toEqual([connectionId]);

    const run = await appendRow(['Ada', 'ada@example.com']);
    expect(run.status, await run.clone().text()).toBe(200);
    expect(sheets.sheets.get(SHEET)!.at(-1)).toEqual(['Ada', 'ada@example.com']);
    expect(oauth.isLive(sheets.tokens.at(-1))).toBe(true);
    // Test Connection in the console makes a real call with the stored token.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection OK' }).waitFor();
  });

  it('a refused consent and a provider error at the token endpoint show their reason and store nothing', async () => {
    await newSheetsConnection('Refused sheets');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('heading', { name: 'Authorize Switchboard' }).waitFor();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Could not connect' }).waitFor();
    expect(await page.locator('#reason').innerText()).toContain('access_denied');

    oauth.failNextExchange = { error: 'invalid_grant', error_description: 'Bad Request: the code was issued to another client.' };
    await newSheetsConnection('Failed sheets');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Could not connect' }).waitFor();
    const reason = await page.locator('#reason').innerText();
    expect(reason).toContain('Bad Request: the code was issued to another client.');
    expect(reason).not.toContain(oauth.clientSecret);
    expect((await connections()).map((c) => c.name)).toEqual(['Finance sheets']);
  });

  it('a revoked grant shows "Needs reconnecting"; Reconnect → Allow repairs the same connection', async () => {
    oauth.revokeRefreshTokens();
    oauth.expireAccessTokens();
    const failed = await appendRow(['after', 'revoke']);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('AUTH_FAILED');

    await page.goto(`${stack.baseUrl}/connections/${connectionId}`);
    await page.getByRole('region', { name: 'Account' }).getByRole('status').filter({ hasText: /^Needs reconnecting: .*invalid_grant/ }).waitFor();
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.baseUrl}/connections/${connectionId}`);
    await page.getByRole('region', { name: 'Account' }).getByRole('status').filter({ hasText: /^Connected$/ }).waitFor();
    expect((await appendRow(['back', 'again'])).status).toBe(200);
    expect((await connections()).length).toBe(1);
  });

  it('logged no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
