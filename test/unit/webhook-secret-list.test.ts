import { describe, expect, it } from 'vitest';
import {
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

// A secret with a comma is one secret: its short first piece must not verify on its own.
const LONG = 'a-long-random-secret-0123456789abcdef';
const SECRET = `k,${LONG}`;
const SHORT = 'k';
const NOW = new Date('2026-01-01T00:00:00Z');
const ts = Math.floor(NOW.getTime() / 1000);
const body = '{"id":"evt_1","type":"x"}';
const req = (headers: Record<string, string>, url = 'https://example.test/hook') => ({ headers, rawBody: Buffer.from(body), url });

describe('a string secret is one secret, commas included', () => {
  it('secretList keeps a string whole and lists arrays', () => {
    expect(secretList(SECRET)).toEqual([SECRET]);
    expect(secretList([SHORT, LONG])).toEqual([SHORT, LONG]);
  });

  const whsec = (raw: string) => `whsec_${Buffer.from(raw).toString('base64')}`;
  const cases: [string, (signWith: string) => boolean][] = [
    ['github', (k) => verifyGithubSignature(req({ 'x-hub-signature-256': signGithubPayload(body, k) }), SECRET).ok],
    ['shopify', (k) => verifyShopifyHmac(req({ 'x-shopify-hmac-sha256': signShopifyPayload(body, k) }), SECRET).ok],
    ['stripe', (k) => verifyStripeSignature(req({ 'stripe-signature': signStripePayload(body, k, ts) }), SECRET, { now: NOW }).ok],
    ['slack', (k) => verifySlackSignature(req({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(body, k, ts) }), SECRET, { now: NOW }).ok],
    ['telegram', (k) => verifyTelegramSecretToken(req({ 'x-telegram-bot-api-secret-token': k }), SECRET).ok],
    ['hmac', (k) => verifyHmacSignature(req({ 'x-sig': signHmacPayload(body, k, { algorithm: 'sha256', encoding: 'hex', prefix: '' }) }), SECRET, { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', prefix: '' }).ok],
    ['twilio', (k) => verifyTwilioSignature({ headers: { 'x-twilio-signature': signTwilioRequest('https://example.test/hook', { Body: 'hi' }, k) }, rawBody: Buffer.from('Body=hi'), url: 'https://example.test/hook' }, SECRET).ok],
  ];
  it.each(cases)('%s: a signature made with the whole secret verifies, one made with a piece does not', (_name, verifyWith) => {
    expect(verifyWith(SHORT)).toBe(false);
    expect(verifyWith(LONG)).toBe(false);
    expect(verifyWith(SECRET)).toBe(true);
  });

  it('standard webhooks: a comma-joined whsec string is not two keys', () => {
    const a = whsec('first-key-material-0123456789');
    const b = whsec('second-key-material-0123456789');
    const sign = (secret: string) => req({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook({ id: 'msg_1', timestamp: ts, rawBody: body, secret }) });
    expect(verifyStandardWebhook(sign(b), `${a},${b}`, { now: NOW }).ok).toBe(false);
    expect(verifyStandardWebhook(sign(b), [a, b], { now: NOW }).ok).toBe(true);
  });
});
