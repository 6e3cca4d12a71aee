import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  secretList,
  signGithubPayload,
  signHmacPayload,
  signShopifyPayload,
  signSlackPayload,
  signStandardWebhook,
  signStripePayload,
  signTwilioRequest,
  verifyGithubSignature,
  verifyHmacSignature,
  verifyShopifyHmac,
  verifySlackSignature,
  verifyStandardWebhook,
  verifyStripeSignature,
  verifyTelegramSecretToken,
  verifyTwilioSignature,
} from '../../connectors/sdk/index.ts';

const req = (headers: Record<string, string>, body: string | Buffer, url = 'https://example.test/hook') => ({
  headers,
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
  url,
});
const ok = { ok: true };
const NOW = new Date('2026-01-01T00:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);

describe('helpers', () => {
  it('lists secrets for rotation from arrays only and ignores junk', () => {
    expect(secretList(' a, b ,,c')).toEqual(['a, b ,,c']);
    expect(secretList(['x', ' y '])).toEqual(['x', 'y']);
    expect(secretList(undefined)).toEqual([]);
    expect(secretList(42)).toEqual([]);
  });
  it('compares in constant time without throwing on length mismatch', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});

describe('GitHub X-Hub-Signature-256', () => {
  const secret = "It's a Secret to Everybody";
  const vector = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it("verifies GitHub's published test vector", () => {
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': vector }, 'Hello, World!'), secret)).toEqual(ok);
    expect(signGithubPayload('Hello, World!', secret)).toBe(vector);
  });

  it('rejects a one-byte change, a wrong secret, wrong lengths and malformed headers', () => {
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': vector }, 'Hello, World?'), secret).ok).toBe(false);
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': vector }, 'Hello, World!'), 'wrong').ok).toBe(false);
    for (const bad of [vector.slice(0, -1), `${vector}0`, 'sha256=', 'sha1=abc', '', 'garbage', vector.toUpperCase(), `sha256=${'z'.repeat(64)}`]) {
      expect(verifyGithubSignature(req({ 'x-hub-signature-256': bad }, 'Hello, World!'), secret)).toMatchObject({ ok: false });
    }
    expect(verifyGithubSignature(req({}, 'Hello, World!'), secret)).toMatchObject({ ok: false, reason: 'missing X-Hub-Signature-256' });
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': vector }, 'Hello, World!'), undefined)).toMatchObject({ ok: false });
  });

  it('rejects re-serialised JSON', () => {
    const raw = '{"action": "opened",  "number": 1}';
    const sig = signGithubPayload(raw, secret);
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': sig }, raw), secret)).toEqual(ok);
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': sig }, JSON.stringify(JSON.parse(raw))), secret).ok).toBe(false);
  });

  it('accepts any configured secret while rotating', () => {
    const sigOld = signGithubPayload('x', 'old');
    const sigNew = signGithubPayload('x', 'new');
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': sigOld }, 'x'), ['old', 'new'])).toEqual(ok);
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': sigNew }, 'x'), ['old', 'new'])).toEqual(ok);
    expect(verifyGithubSignature(req({ 'x-hub-signature-256': sigOld }, 'x'), ['new']).ok).toBe(false);
  });
});

describe('Standard Webhooks', () => {
  // The example of the Standard Webhooks reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const body = '{"test": 2432232314}';
  const vector = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const at = new Date(1614265330 * 1000);
  const headers = (ts: number | string, signature = vector) => ({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature });

  it('verifies the reference example', () => {
    expect(verifyStandardWebhook(req(headers(1614265330), body), secret, { now: at })).toEqual(ok);
    expect(signStandardWebhook({ id, timestamp: 1614265330, rawBody: body, secret })).toBe(vector);
  });

  it('accepts one valid signature among several space-separated ones', () => {
    const many = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,whatever ${vector}`;
    expect(verifyStandardWebhook(req(headers(1614265330, many), body), secret, { now: at })).toEqual(ok);
  });

  it('rejects stale (now−301 s) and future (now+301 s) timestamps, accepts now−299 s', () => {
    const sign = (ts: number) => headers(ts, signStandardWebhook({ id, timestamp: ts, rawBody: body, secret }));
    expect(verifyStandardWebhook(req(sign(nowSec - 301), body), secret, { now: NOW })).toMatchObject({ ok: false, reason: 'timestamp outside tolerance' });
    expect(verifyStandardWebhook(req(sign(nowSec + 301), body), secret, { now: NOW }).ok).toBe(false);
    expect(verifyStandardWebhook(req(sign(nowSec - 299), body), secret, { now: NOW })).toEqual(ok);
  });

  it('rejects non-digit timestamps, tampering, bad secrets and malformed signatures without throwing', () => {
    for (const ts of ['1614265330.0', '-1614265330', ' 1614265330', '1e9', '']) {
      expect(verifyStandardWebhook(req(headers(ts), body), secret, { now: at }).ok).toBe(false);
    }
    expect(verifyStandardWebhook(req(headers(1614265330), `${body} `), secret, { now: at }).ok).toBe(false);
    expect(verifyStandardWebhook(req(headers(1614265330), body), 'whsec_!!notbase64', { now: at }).ok).toBe(false);
    for (const s of ['v1,', 'v1', 'v1,abc', 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', ',,,', 'v1,g0hM9SsE']) {
      expect(verifyStandardWebhook(req(headers(1614265330, s), body), secret, { now: at }).ok).toBe(false);
    }
  });

  it('accepts either secret during rotation', () => {
    const other = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    const sig = signStandardWebhook({ id, timestamp: nowSec, rawBody: body, secret: other });
    expect(verifyStandardWebhook(req(headers(nowSec, sig), body), [secret, other], { now: NOW })).toEqual(ok);
    expect(verifyStandardWebhook(req(headers(nowSec, sig), body), [secret], { now: NOW }).ok).toBe(false);
  });
});

describe('Stripe-Signature', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"evt_1","type":"invoice.paid"}';

  it('accepts any matching v1 within 300 s and rejects stale ones', () => {
    const fresh = signStripePayload(body, secret, nowSec - 299);
    expect(verifyStripeSignature(req({ 'stripe-signature': fresh }, body), secret, { now: NOW })).toEqual(ok);
    const t = nowSec - 10;
    const withOthers = `t=${t},v1=${'0'.repeat(64)},v0=abc,${signStripePayload(body, secret, t).split(',')[1]}`;
    expect(verifyStripeSignature(req({ 'stripe-signature': withOthers }, body), secret, { now: NOW })).toEqual(ok);
    const stale = signStripePayload(body, secret, nowSec - 301);
    expect(verifyStripeSignature(req({ 'stripe-signature': stale }, body), secret, { now: NOW })).toMatchObject({ ok: false, reason: 'timestamp outside tolerance' });
  });

  it('rejects tampering, the wrong secret and malformed headers', () => {
    const sig = signStripePayload(body, secret, nowSec);
    expect(verifyStripeSignature(req({ 'stripe-signature': sig }, body.replace('1', '2')), secret, { now: NOW }).ok).toBe(false);
    expect(verifyStripeSignature(req({ 'stripe-signature': sig }, body), 'whsec_other', { now: NOW }).ok).toBe(false);
    for (const h of ['', 't=', 'v1=', `t=abc,${sig.split(',')[1]}`, `${sig.split(',')[1]}`, '====', `t=${nowSec},v1=short`]) {
      expect(verifyStripeSignature(req({ 'stripe-signature': h }, body), secret, { now: NOW }).ok).toBe(false);
    }
  });
});

describe('Slack v0', () => {
  it("verifies Slack's documented example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = { 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' };
    expect(verifySlackSignature(req(headers, body), '8f742231b10e8888abcd99yyyzzz85a5', { now: new Date(1531420618 * 1000) })).toEqual(ok);
    expect(verifySlackSignature(req(headers, `${body}x`), '8f742231b10e8888abcd99yyyzzz85a5', { now: new Date(1531420618 * 1000) }).ok).toBe(false);
  });

  it('enforces the 300 s window', () => {
    const body = '{"type":"event_callback"}';
    const at = (ts: number) => ({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(body, 's3cret', ts) });
    expect(verifySlackSignature(req(at(nowSec - 299), body), 's3cret', { now: NOW })).toEqual(ok);
    expect(verifySlackSignature(req(at(nowSec - 301), body), 's3cret', { now: NOW }).ok).toBe(false);
    expect(verifySlackSignature(req({ 'x-slack-signature': 'v0=zz' }, body), 's3cret', { now: NOW }).ok).toBe(false);
  });
});

describe('Shopify, Telegram, Twilio, generic HMAC', () => {
  it('verifies Shopify base64 HMACs', () => {
    const body = '{"id":1}';
    expect(verifyShopifyHmac(req({ 'x-shopify-hmac-sha256': signShopifyPayload(body, 'shpss') }, body), 'shpss')).toEqual(ok);
    expect(verifyShopifyHmac(req({ 'x-shopify-hmac-sha256': signShopifyPayload(body, 'other') }, body), 'shpss').ok).toBe(false);
    expect(verifyShopifyHmac(req({ 'x-shopify-hmac-sha256': 'abc' }, body), 'shpss').ok).toBe(false);
  });

  it('compares the Telegram secret token', () => {
    expect(verifyTelegramSecretToken(req({ 'x-telegram-bot-api-secret-token': 'tok_A' }, ''), ['tok_B', 'tok_A'])).toEqual(ok);
    expect(verifyTelegramSecretToken(req({ 'x-telegram-bot-api-secret-token': 'tok_' }, ''), 'tok_A').ok).toBe(false);
    expect(verifyTelegramSecretToken(req({}, ''), 'tok_A').ok).toBe(false);
  });

  it("verifies Twilio's documented form example, with and without the default port", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    const body = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' };
    expect(signTwilioRequest(url, params, '12345')).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature(req(headers, body, url), '12345')).toEqual(ok);
    expect(verifyTwilioSignature(req(headers, body, 'https://mycompany.com:443/myapp.php?foo=1&bar=2'), '12345')).toEqual(ok);
    expect(verifyTwilioSignature(req(headers, body.replace('1234', '1235'), url), '12345').ok).toBe(false);
    expect(verifyTwilioSignature(req(headers, body, 'https://evil.example/myapp.php?foo=1&bar=2'), '12345').ok).toBe(false);
  });

  it('verifies Twilio JSON bodies through bodySHA256', () => {
    const body = '{"Status":"ok"}';
    const hash = createHash('sha256').update(body).digest('hex');
    const url = `https://example.test/hook?bodySHA256=${hash}`;
    const headers = { 'content-type': 'application/json', 'x-twilio-signature': signTwilioRequest(url, {}, 'tok') };
    expect(verifyTwilioSignature(req(headers, body, url), 'tok')).toEqual(ok);
    expect(verifyTwilioSignature(req(headers, '{"Status":"no"}', url), 'tok')).toMatchObject({ ok: false, reason: 'body hash mismatch' });
    expect(verifyTwilioSignature(req(headers, body, 'https://example.test/hook'), 'tok').ok).toBe(false);
  });

  it.each([
    ['sha1', 'hex', ''],
    ['sha256', 'hex', 'sha256='],
    ['sha512', 'base64', ''],
  ] as const)('verifies generic HMAC %s/%s with prefix "%s"', (algorithm, encoding, prefix) => {
    const body = 'payload';
    const opts = { header: 'X-Signature', algorithm, encoding, prefix };
    const sig = signHmacPayload(body, 'k1', opts);
    expect(verifyHmacSignature(req({ 'x-signature': sig }, body), ['k0', 'k1'], opts)).toEqual(ok);
    expect(verifyHmacSignature(req({ 'x-signature': sig }, `${body}!`), 'k1', opts).ok).toBe(false);
    expect(verifyHmacSignature(req({ 'x-signature': sig.slice(0, -2) }, body), 'k1', opts).ok).toBe(false);
    expect(verifyHmacSignature(req({}, body), 'k1', opts).ok).toBe(false);
  });

  it('never throws on random headers', () => {
    const junk = ['', ' ', ',', '=', 'v1,', 't=1,v1=', '\u0000', 'é'.repeat(300), 'sha256='.padEnd(500, 'a')];
    for (const h of junk) {
      const headers = { 'x-hub-signature-256': h, 'webhook-id': h, 'webhook-timestamp': h, 'webhook-signature': h, 'stripe-signature': h, 'x-slack-signature': h, 'x-slack-request-timestamp': h, 'x-shopify-hmac-sha256': h, 'x-twilio-signature': h, 'content-type': h, 'x-telegram-bot-api-secret-token': h };
      const r = req(headers, h, h);
      for (const v of [
        verifyGithubSignature(r, 's'),
        verifyStandardWebhook(r, 'whsec_c2VjcmV0'),
        verifyStripeSignature(r, 's'),
        verifySlackSignature(r, 's'),
        verifyShopifyHmac(r, 's'),
        verifyTwilioSignature(r, 's'),
        verifyTelegramSecretToken(r, 's'),
        verifyHmacSignature(r, 's', { header: 'x-hub-signature-256', algorithm: 'sha256', encoding: 'hex' }),
      ]) {
        expect(v.ok).toBe(false);
      }
    }
  });
});
