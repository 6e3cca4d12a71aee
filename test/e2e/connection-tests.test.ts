/**
 * Test Connection tests: each built-in connector's test makes one real, harmless call
 * against a local fake in the provider's wire format (or the real PostgreSQL), and a
 * webhook-only connection answers `ok: null` with the reason, without a call. The
 * `test_connection` step (the actions API runs it as a one-step workflow through the
 * connector-action activity) answers exactly what `POST /connections/:id/test` answers.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpFake, type FakeRequest, type HttpFake } from '../../src/testing/index.ts';
import { shopifyResponder } from '../support/fakes/shopify-api.ts';
import { slackResponder } from '../support/fakes/slack-api.ts';
import { stripeResponder } from '../support/fakes/stripe-api.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

const TELEGRAM_TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const JIRA_TOKEN = 'jira-api-token-secret-1';
const SHOPIFY_TOKEN = 'shpat_connection_test_secret';
const SMTP = { username: 'mailer', password: 'smtp-secret-password-1' };

/** Telegram Bot API and Jira REST answers for the calls the tests make. */
function telegramAndJira(req: FakeRequest) {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === `/bot${TELEGRAM_TOKEN}/getMe`) return { body: { ok: true, result: { id: 123456, is_bot: true, first_name: 'Switchboard', username: 'switchboard_bot' } } };
  if (path.startsWith('/bot')) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
  if (path === '/rest/api/3/myself') {
    const expected = `Basic ${Buffer.from(`ops@acme.example:${JIRA_TOKEN}`).toString('base64')}`;
    return req.headers.authorization === expected
      ? { body: { accountId: '5b10a2844c20165700ede21g', displayName: 'Ops Bot', emailAddress: 'ops@acme.example' } }
      : { status: 401, body: { errorMessages: ['Client must be authenticated to access this resource.'] } };
  }
  return { status: 404, body: { errorMessages: ['not found'] } };
}

describe('Test Connection makes one real call', () => {
  let stack: TestStack;
  let api: HttpFake;
  let shopify: HttpFake;
  let stripe: HttpFake;
  let slack: HttpFake;
  let smtp: SmtpFake;
  beforeAll(async () => {
    api = await httpFake(telegramAndJira);
    shopify = await httpFake(shopifyResponder(SHOPIFY_TOKEN));
    stripe = await httpFake(stripeResponder());
    slack = await httpFake(slackResponder);
    smtp = await smtpFake(SMTP);
    stack = await startTestStack({ dialect: 'sqlite', env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([api, shopify, stripe, slack, smtp].map((f) => f?.close()));
  });

  const post = async (path: string, json: unknown) => {
    const res = await stack.api(`/api/v1${path}`, { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** The API's answer, checked equal to the `test_connection` step's output. */
  const testBoth = async (id: string) => {
    const viaApi = await post(`/connections/${id}/test`, {});
    expect(viaApi.status).toBe(200);
    const viaStep = await post(`/connections/${id}/actions/test_connection`, { input: {} });
    expect(viaStep).toMatchObject({ status: 200, body: { output: viaApi.body } });
    return viaApi.body;
  };
  const callsTo = (fake: HttpFake, path: string) => fake.requests().filter((r) => new URL(r.url, 'http://x').pathname === path).length;

  it('telegram: getMe on the fake, saved (API and step) and unsaved; a wrong token is ok: false without the token', async () => {
    const id = await createTestConnection(stack.services, 'telegram', { botToken: TELEGRAM_TOKEN }, { baseUrl: api.url });
    expect(await testBoth(id)).toEqual({ ok: true, message: 'authenticated as @switchboard_bot' });
    expect(callsTo(api, `/bot${TELEGRAM_TOKEN}/getMe`)).toBe(2);
    const unsaved = await post('/connections/test', { connector: 'telegram', config: { baseUrl: api.url }, secrets: { botToken: TELEGRAM_TOKEN } });
    expect(unsaved).toEqual({ status: 200, body: { ok: true, message: 'authenticated as @switchboard_bot' } });
    expect(callsTo(api, `/bot${TELEGRAM_TOKEN}/getMe`)).toBe(3);
    const wrong = '654321:WRONG-token-secret-000000000';
    const bad = await post('/connections/test', { connector: 'telegram', config: { baseUrl: api.url }, secrets: { botToken: wrong } });
    expect(bad.body).toMatchObject({ ok: false, message: expect.stringMatching(/^AUTH_FAILED: /) });
    expect(JSON.stringify(bad.body)).not.toContain(wrong);
  });

  it('jira: GET /rest/api/3/myself with the API token', async () => {
    const id = await createTestConnection(stack.services, 'jira', { apiToken: JIRA_TOKEN }, { baseUrl: api.url, email: 'ops@acme.example' });
    expect(await testBoth(id)).toEqual({ ok: true, message: 'authenticated as Ops Bot' });
    expect(callsTo(api, '/rest/api/3/myself')).toBe(2);
  });

  it('shopify and stripe: account reads (shop.json, balance)', async () => {
    const shop = await createTestConnection(stack.services, 'shopify', { accessToken: SHOPIFY_TOKEN }, { baseUrl: shopify.url });
    expect(await testBoth(shop)).toEqual({ ok: true, message: 'authenticated to Acme Store (acme.myshopify.com)' });
    expect(callsTo(shopify, '/admin/api/2025-07/shop.json')).toBe(2);
    const str = await createTestConnection(stack.services, 'stripe', { apiKey: 'sk_test_connection_secret_1' }, { baseUrl: stripe.url });
    expect(await testBoth(str)).toEqual({ ok: true, message: 'authenticated (test mode)' });
    expect(callsTo(stripe, '/v1/balance')).toBe(2);
  });

  it('slack: auth.test with the bot token', async () => {
    const id = await createTestConnection(stack.services, 'slack', { botToken: 'xoxb-connection-test-secret' }, { baseUrl: `${slack.url}/api` });
    expect(await testBoth(id)).toEqual({ ok: true, message: 'authenticated as switchbot in Acme' });
    expect(callsTo(slack, '/api/auth.test')).toBe(2);
  });

  it('email: EHLO and AUTH against a real SMTP server (nodemailer verify), nothing sent; a wrong password is ok: false', async () => {
    const config = { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Switchboard <bot@example.com>' };
    const id = await createTestConnection(stack.services, 'email', SMTP, config);
    const before = smtp.requests().length;
    expect(await testBoth(id)).toEqual({ ok: true, message: `SMTP server 127.0.0.1:${smtp.port} accepted the connection and credentials` });
    expect(smtp.requests().length).toBe(before + 2);
    expect(smtp.messages).toEqual([]);
    const bad = await post('/connections/test', { connector: 'email', config, secrets: { ...SMTP, password: 'wrong-smtp-password-9' } });
    expect(bad.body).toMatchObject({ ok: false });
    expect(JSON.stringify(bad.body)).not.toContain('wrong-smtp-password-9');
  });

  it('postgres: a query on the real server; a closed port is ok: false', async () => {
    const url = new URL(inject('postgresUrl'));
    const config = { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) };
    const id = await createTestConnection(stack.services, 'postgres', {}, config);
    expect(await testBoth(id)).toMatchObject({ ok: true, message: expect.stringMatching(/^connected: PostgreSQL \d+/) });
    const closed = await post('/connections/test', { connector: 'postgres', config: { ...config, port: 1 } });
    expect(closed.body).toMatchObject({ ok: false });
  });

  it('webhook-only connections answer ok: null with the reason and call nothing', async () => {
    const before = [api, shopify, stripe, slack].map((f) => f.requests().length);
    const reason = { ok: null, message: 'signature secret set; no outbound call to test' };
    const hooks = [
      await createTestConnection(stack.services, 'webhook', { signingSecret: 'whsec_only_signatures_1' }),
      await createTestConnection(stack.services, 'jira', { webhookSecret: 'jira-webhook-secret-1' }, { baseUrl: api.url }),
      await createTestConnection(stack.services, 'shopify', { webhookSecret: 'shpss_webhook_only' }, { baseUrl: shopify.url }),
      await createTestConnection(stack.services, 'stripe', { webhookSecret: 'whsec_stripe_only_1' }, { baseUrl: stripe.url }),
      await createTestConnection(stack.services, 'slack', { signingSecret: 'slack-signing-secret-1' }, { baseUrl: `${slack.url}/api` }),
      await createTestConnection(stack.services, 'github', { webhookSecret: 'gh-webhook-secret-1' }),
    ];
    for (const id of hooks) expect(await testBoth(id)).toEqual(reason);
    const logging = await createTestConnection(stack.services, 'logging', {});
    expect(await testBoth(logging)).toEqual({ ok: null, message: "logging writes to Switchboard's own log; no outbound call to test" });
    expect([api, shopify, stripe, slack].map((f) => f.requests().length)).toEqual(before);
  });

  it('http: GET baseUrl with the auth (401 is ok: false); without a baseUrl ok: null', async () => {
    const id = await createTestConnection(stack.services, 'http', { bearerToken: 'http-bearer-secret-1' }, { baseUrl: `${api.url}/rest/api/3/myself` });
    expect(await testBoth(id)).toEqual({ ok: false, message: `GET ${api.url}/rest/api/3/myself answered 401 (credentials rejected)` });
    const open = await createTestConnection(stack.services, 'http', {}, { baseUrl: `${api.url}/bot${TELEGRAM_TOKEN}/getMe` });
    expect((await testBoth(open)).ok).toBe(true);
    const none = await createTestConnection(stack.services, 'http', {});
    expect(await testBoth(none)).toEqual({ ok: null, message: 'no baseUrl: each step names its own URL, so there is no endpoint to test' });
  });
});
