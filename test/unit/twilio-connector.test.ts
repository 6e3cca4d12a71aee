/**
 * The Twilio connector's wire format and error mapping, against a stubbed fetch
 * (the contract kit runs it end to end on a worker: test/e2e/connector-contracts.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError, type ActionContext, type SafeFetch } from '../../connectors/sdk/index.ts';
import twilio from '../../connectors/twilio/index.ts';
import { sendSms, senderOf } from '../../connectors/twilio/actions/send-sms.ts';
import { twilioConfig, twilioSecrets, type TwilioConfig, type TwilioSecrets } from '../../connectors/twilio/schemas.ts';
import { createHttpClient } from '../../src/connector-host/http-client.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const MSG = 'SM0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-unit-auth-token-1';

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

function stub(answers: { status: number; body: unknown; headers?: Record<string, string> }[]): { fetch: SafeFetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: SafeFetch = async (input, init) => {
    seen.push({ method: init?.method ?? 'GET', url: String(input), headers: new Headers(init?.headers), body: String(init?.body ?? '') });
    const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    return new Response(typeof a.body === 'string' ? a.body : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': typeof a.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', ...a.headers },
    });
  };
  return { fetch, seen };
}

function ctx(fetch: SafeFetch, config: Record<string, unknown> = {}, secrets: Record<string, unknown> = { authToken: TOKEN }): ActionContext<TwilioConfig, TwilioSecrets> {
  const noop = () => undefined;
  return {
    connectionId: 'conn_1',
    config: twilioConfig.parse({ accountSid: SID, baseUrl: 'https://api.twilio.test', ...config }),
    secrets: twilioSecrets.parse(secrets),
    http: createHttpClient({ fetch, resolveHost: async () => ({ address: '127.0.0.1', family: 4 }) }),
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    idempotencyKey: 'wf-1:act-1',
    heartbeat: noop,
    signal: new AbortController().signal,
  };
}

const created = { status: 201, body: { sid: MSG, status: 'queued', to: '+14155550100', from: '+14155550199', body: 'hi', account_sid: SID, error_code: null } };

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe('twilio send_sms', () => {
  it('POSTs the form to Messages.json with Basic auth and the idempotency token', async () => {
    const { fetch, seen } = stub([created]);
    const out = await sendSms.run(ctx(fetch, { from: '+14155550199' }), { to: '+14155550100', body: 'hi & bye', mediaUrl: ['https://example.com/a.png', 'https://example.com/b.png'] });
    expect(out).toEqual({ sid: MSG, status: 'queued', to: '+14155550100', from: '+14155550199' });
    expect(seen).toHaveLength(1);
    const r = seen[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`https://api.twilio.test/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(r.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(r.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(r.headers.get('i-twilio-idempotency-token')).toBe('wf-1:act-1');
    const form = new URLSearchParams(r.body);
    expect([...form.keys()]).toEqual(['To', 'From', 'Body', 'MediaUrl', 'MediaUrl']);
    expect(form.get('Body')).toBe('hi & bye');
    expect(form.getAll('MediaUrl')).toEqual(['https://example.com/a.png', 'https://example.com/b.png']);
  });

  it('uses the input sender over the defaults, and omits a from Twilio has not assigned yet', async () => {
    const { fetch, seen } = stub([{ status: 201, body: { ...created.body, from: null, status: 'accepted' } }]);
    const svc = 'MG0123456789abcdef0123456789abcdef';
    const out = await sendSms.run(ctx(fetch, { from: '+14155550199' }), { to: '+14155550100', body: 'hi', messagingServiceSid: svc });
    expect(out).toEqual({ sid: MSG, status: 'accepted', to: '+14155550100' });
    const form = new URLSearchParams(seen[0]!.body);
    expect(form.get('MessagingServiceSid')).toBe(svc);
    expect(form.has('From')).toBe(false);
    expect(senderOf({}, { messagingServiceSid: svc })).toEqual({ MessagingServiceSid: svc });
    expect(senderOf({ from: '+15005550006' }, { messagingServiceSid: svc })).toEqual({ From: '+15005550006' });
  });

  it('fails with CONFIG_INVALID, without a call, when the account SID or a sender is missing', async () => {
    const { fetch, seen } = stub([created]);
    const noSid = ctx(fetch, { from: '+14155550199' });
    delete noSid.config.accountSid;
    const e1 = await failure(sendSms.run(noSid, { to: '+14155550100', body: 'hi' }));
    expect(e1.code).toBe('CONFIG_INVALID');
    expect(e1.message).toContain('accountSid');
    expect((await failure(sendSms.run(ctx(fetch, { from: '+14155550199', accountSid: 'nope' }), { to: '+14155550100', body: 'hi' }))).code).toBe('CONFIG_INVALID');
    const e2 = await failure(sendSms.run(ctx(fetch), { to: '+14155550100', body: 'hi' }));
    expect(e2.code).toBe('CONFIG_INVALID');
    expect(e2.message).toContain('sender');
    expect(seen).toHaveLength(0);
  });

  it('authenticates with the first auth token of a rotation list (an array), a string being one token', async () => {
    for (const authToken of [[TOKEN, 'old-token-xyz'], TOKEN]) {
      const { fetch, seen } = stub([created]);
      await sendSms.run(ctx(fetch, { from: '+14155550199' }, { authToken }), { to: '+14155550100', body: 'hi' });
      expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    }
  });

  it("maps statuses through the SDK's codes and surfaces Twilio's error message", async () => {
    const twilioError = (status: number, code: number, message: string) => ({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });
    const run = (answer: Parameters<typeof stub>[0][number]) => failure(sendSms.run(ctx(stub([answer]).fetch, { from: '+14155550199' }), { to: '+14155550100', body: 'hi' }));

    const bad = await run(twilioError(400, 21211, "The 'To' number +14155550100 is not a valid phone number."));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.retryable).toBe(false);
    expect(bad.message).toBe(`Twilio POST /2010-04-01/Accounts/${SID}/Messages.json answered 400: The 'To' number +14155550100 is not a valid phone number. (Twilio error 21211, https://www.twilio.com/docs/errors/21211)`);

    const auth = await run(twilioError(401, 20003, 'Authenticate'));
    expect([auth.code, auth.retryable, auth.options.status]).toEqual(['AUTH_FAILED', false, 401]);

    const limited = await run({ ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '3' } });
    expect([limited.code, limited.retryable, limited.options.retryAfterMs]).toEqual(['RATE_LIMITED', true, 3000]);

    const down = await run({ status: 503, body: '<html>Service Unavailable</html>' });
    expect([down.code, down.retryable]).toEqual(['UPSTREAM_5XX', true]);
    expect(down.message).toContain('Service Unavailable');
  });

  it('keeps the auth token and the Basic credential out of an error that echoes them', async () => {
    const basic = Buffer.from(`${SID}:${TOKEN}`).toString('base64');
    const { fetch } = stub([{ status: 401, body: { code: 20003, message: `bad Authorization: Basic ${basic} (token ${TOKEN})`, status: 401 } }]);
    const e = await failure(sendSms.run(ctx(fetch, { from: '+14155550199' }), { to: '+14155550100', body: 'hi' }));
    expect(e.message).not.toContain(basic);
    expect(e.message).not.toContain(TOKEN);
    expect(e.message).toContain('[redacted]');
  });

  it('validates the input: E.164 numbers, a body of at most 1600 characters', () => {
    const ok = { to: '+14155550100', body: 'x'.repeat(1600) };
    expect(sendSms.input.safeParse(ok).success).toBe(true);
    expect(sendSms.input.safeParse({ ...ok, body: 'x'.repeat(1601) }).success).toBe(false);
    expect(sendSms.input.safeParse({ ...ok, body: '' }).success).toBe(false);
    for (const to of ['4155550100', '+04155550100', '+1 415 555 0100', '+1234567890123456']) expect(sendSms.input.safeParse({ ...ok, to }).success).toBe(false);
    expect(sendSms.input.safeParse({ ...ok, from: 'whatever' }).success).toBe(false);
    expect(sendSms.input.safeParse({ ...ok, mediaUrl: 'https://example.com/a.png' }).success).toBe(true);
    expect(sendSms.input.safeParse({ ...ok, mediaUrl: Array(11).fill('https://example.com/a.png') }).success).toBe(false);
  });
});

describe('twilio connection test', () => {
  const test = twilio.test!;
  const testCtx = (fetch: SafeFetch, config?: Record<string, unknown>) => {
    const c = ctx(fetch, config);
    return { config: c.config, secrets: c.secrets, http: c.http, logger: c.logger, signal: c.signal };
  };

  it("GETs the account and names it", async () => {
    const { fetch, seen } = stub([{ status: 200, body: { sid: SID, friendly_name: 'Acme Alerts', status: 'active', type: 'Full' } }]);
    expect(await test(testCtx(fetch))).toEqual({ ok: true, message: 'authenticated to "Acme Alerts" (active)' });
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe(`https://api.twilio.test/2010-04-01/Accounts/${SID}.json`);
    expect(seen[0]!.headers.has('i-twilio-idempotency-token')).toBe(false);
  });

  it('throws AUTH_FAILED on a 401 (the runner reports ok: false); without an account SID nothing is called (ok: null)', async () => {
    const { fetch, seen } = stub([{ status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } }]);
    expect((await failure(test(testCtx(fetch)))).code).toBe('AUTH_FAILED');
    const noSid = testCtx(fetch);
    delete noSid.config.accountSid;
    const calls = seen.length;
    const result = await test(noSid);
    expect(result.ok).toBeNull();
    expect(result.message).toContain('config.accountSid');
    expect(seen.length).toBe(calls);
  });
});
