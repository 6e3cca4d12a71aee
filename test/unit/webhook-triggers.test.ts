import { describe, expect, it } from 'vitest';
import type { TriggerContext, TriggerDefinition, WebhookRequest } from '../../connectors/sdk/index.ts';
import { eventTypeOf, signSlackPayload, signStandardWebhook } from '../../connectors/sdk/index.ts';
import { githubWebhookTrigger } from '../../connectors/github/triggers/webhook.ts';
import { slackWebhookTrigger } from '../../connectors/slack/triggers/webhook.ts';
import { stripeWebhookTrigger } from '../../connectors/stripe/triggers/webhook.ts';
import { twilioWebhookTrigger } from '../../connectors/twilio/triggers/webhook.ts';
import { genericWebhookTrigger } from '../../connectors/webhook/triggers/webhook.ts';
import { ConnectionCache } from '../../src/connections/cache.ts';
import { acceptsMediaType, bodyLimitOf, normaliseDeliveryId } from '../../src/webhooks/ingest.ts';

const NOW = new Date();
const request = (headers: Record<string, string>, body: string): WebhookRequest => ({ method: 'POST', url: 'https://sb.example/webhooks/x/y', headers, rawBody: Buffer.from(body), receivedAt: NOW });
const ctx = (secrets: Record<string, unknown> = {}, config: Record<string, unknown> = {}): TriggerContext => ({ connectionId: 'conn_1', config, secrets, now: NOW });
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('trigger normalisation', () => {
  it('builds dotted event types from provider names', () => {
    expect(eventTypeOf('shopify', 'orders/create')).toBe('shopify.orders.create');
    expect(eventTypeOf('stripe', 'invoice.paid')).toBe('stripe.invoice.paid');
    expect(eventTypeOf('github', 'issues', undefined)).toBe('github.issues');
    expect(eventTypeOf('x', 'a b/c!')).toBe('x.a_b.c_');
  });

  it('reads GitHub form-encoded deliveries and the action', () => {
    const req = request({ ...FORM, 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1' }, `payload=${encodeURIComponent('{"action":"closed","number":3}')}`);
    expect(githubWebhookTrigger.deliveryId!(req, ctx())).toBe('d-1');
    expect(githubWebhookTrigger.toEvent(req, ctx())).toMatchObject({ type: 'github.pull_request.closed', payload: { number: 3 }, headers: { 'x-github-event': 'pull_request' } });
  });

  it('uses the Stripe event id, or the body hash for unreadable bodies', () => {
    expect(stripeWebhookTrigger.deliveryId!(request(JSON_TYPE, '{"id":"evt_9","type":"charge.refunded"}'), ctx())).toBe('evt_9');
    expect(stripeWebhookTrigger.deliveryId!(request(JSON_TYPE, 'not json'), ctx())).toMatch(/^[0-9a-f]{64}$/);
    expect(stripeWebhookTrigger.toEvent(request(JSON_TYPE, '{"id":"evt_9","type":"charge.refunded"}'), ctx()).type).toBe('stripe.charge.refunded');
  });

  it('tells Slack events, slash commands and interactions apart', () => {
    const ev = request(JSON_TYPE, '{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added"}}');
    expect(slackWebhookTrigger.deliveryId!(ev, ctx())).toBe('Ev1');
    expect(slackWebhookTrigger.toEvent(ev, ctx()).type).toBe('slack.reaction_added');
    const cmd = request(FORM, 'command=%2Fdeploy&text=prod&trigger_id=T1');
    expect(slackWebhookTrigger.deliveryId!(cmd, ctx())).toBe('T1');
    expect(slackWebhookTrigger.toEvent(cmd, ctx())).toMatchObject({ type: 'slack.command', payload: { command: '/deploy', text: 'prod' } });
    const action = request(FORM, `payload=${encodeURIComponent('{"type":"block_actions","trigger_id":"T2"}')}`);
    expect(slackWebhookTrigger.deliveryId!(action, ctx())).toBe('T2');
    expect(slackWebhookTrigger.toEvent(action, ctx()).type).toBe('slack.interaction.block_actions');
    expect(slackWebhookTrigger.immediateResponse!(cmd, ctx())).toBeUndefined();
  });

  it('verifies Slack with the connection secret and the request time', () => {
    const body = '{"type":"event_callback"}';
    const ts = Math.floor(NOW.getTime() / 1000);
    const req = request({ ...JSON_TYPE, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(body, 'a', ts) }, body);
    expect(slackWebhookTrigger.verify(req, ctx({ signingSecret: ['b', 'a'] }))).toEqual({ ok: true });
    expect(slackWebhookTrigger.verify(req, ctx({}))).toMatchObject({ ok: false });
  });

  it('keys Twilio status callbacks by message and status', () => {
    const inbound = request(FORM, 'MessageSid=SM1&SmsStatus=received&Body=hi');
    expect(twilioWebhookTrigger.deliveryId!(inbound, ctx())).toBe('SM1');
    expect(twilioWebhookTrigger.toEvent(inbound, ctx()).type).toBe('twilio.message.received');
    const delivered = request(FORM, 'MessageSid=SM1&MessageStatus=delivered');
    expect(twilioWebhookTrigger.deliveryId!(delivered, ctx())).toBe('SM1:delivered');
    expect(twilioWebhookTrigger.toEvent(delivered, ctx()).type).toBe('twilio.message.delivered');
    const call = request({ ...FORM, 'i-twilio-idempotency-token': 'tok-1' }, 'CallSid=CA1&CallStatus=completed');
    expect(twilioWebhookTrigger.deliveryId!(call, ctx())).toBe('tok-1');
    expect(twilioWebhookTrigger.toEvent(call, ctx()).type).toBe('twilio.call.completed');
  });

  it('configures the generic webhook trigger: Standard Webhooks by default, HMAC with an id header', () => {
    const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
    const body = '{"type":"user.created"}';
    const ts = Math.floor(NOW.getTime() / 1000);
    const std = request({ ...JSON_TYPE, 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook({ id: 'msg_1', timestamp: ts, rawBody: body, secret }) }, body);
    expect(genericWebhookTrigger.verify(std, ctx({ signingSecret: secret }))).toEqual({ ok: true });
    expect(genericWebhookTrigger.deliveryId!(std, ctx())).toBe('msg_1');
    expect(genericWebhookTrigger.toEvent(std, ctx()).type).toBe('webhook.user.created');
    const hmacConfig = { scheme: 'hmac', hmac: { header: 'x-sig' }, idHeader: 'X-Id', typeField: 'kind' };
    const hmacReq = request({ ...JSON_TYPE, 'x-id': 'abc' }, '{"kind":"ping"}');
    expect(genericWebhookTrigger.deliveryId!(hmacReq, ctx({}, hmacConfig))).toBe('abc');
    expect(genericWebhookTrigger.toEvent(hmacReq, ctx({}, hmacConfig)).type).toBe('webhook.ping');
    expect(genericWebhookTrigger.verify(hmacReq, ctx({ signingSecret: 'k' }, { scheme: 'hmac' }))).toMatchObject({ ok: false, reason: 'hmac scheme without settings' });
    expect(genericWebhookTrigger.verify(hmacReq, ctx({ signingSecret: 'k' }, { scheme: 'nope' }))).toMatchObject({ ok: false, reason: 'connection config is invalid' });
  });
});

describe('endpoint helpers', () => {
  const trigger = { contentTypes: undefined } as unknown as TriggerDefinition;
  it('matches media types, JSON suffixes included', () => {
    expect(acceptsMediaType(trigger, 'application/json; charset=utf-8')).toBe(true);
    expect(acceptsMediaType(trigger, 'application/vnd.github+json')).toBe(true);
    expect(acceptsMediaType(trigger, 'application/x-www-form-urlencoded')).toBe(true);
    expect(acceptsMediaType(trigger, 'text/plain')).toBe(false);
    expect(acceptsMediaType(trigger, undefined)).toBe(false);
    expect(acceptsMediaType({ contentTypes: ['text/plain'] } as unknown as TriggerDefinition, 'text/plain')).toBe(true);
  });

  it('bounds body limits and delivery ids', () => {
    const conn = (config: Record<string, unknown>) => ({ id: 'c', connector: 'x', name: 'n', config, secrets: {} });
    expect(bodyLimitOf(conn({}))).toBe(1024 * 1024);
    expect(bodyLimitOf(conn({ webhookMaxBodyBytes: 10 }))).toBe(10);
    expect(bodyLimitOf(conn({ webhookMaxBodyBytes: 1e9 }))).toBe(1536 * 1024);
    expect(bodyLimitOf(conn({ webhookMaxBodyBytes: 'big' }))).toBe(1024 * 1024);
    expect(normaliseDeliveryId('evt_1')).toBe('evt_1');
    expect(normaliseDeliveryId('has space')).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(normaliseDeliveryId('x'.repeat(201))).toMatch(/^sha256-/);
  });

  it('caches connections briefly, shares concurrent loads, forgets misses and invalidates', async () => {
    let loads = 0;
    const rows: Record<string, { id: string; connector: string; name: string; config: Record<string, unknown>; secrets: Record<string, unknown> }> = {
      a: { id: 'a', connector: 'github', name: 'a', config: {}, secrets: { webhookSecret: 'v1' } },
    };
    const cache = new ConnectionCache(async (id) => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return rows[id] ? { ...rows[id]! } : null;
    }, { ttlMs: 60_000 });
    const got = await Promise.all(Array.from({ length: 20 }, () => cache.get('a')));
    expect(loads).toBe(1);
    expect(got.every((g) => g?.secrets['webhookSecret'] === 'v1')).toBe(true);
    rows['a']!.secrets = { webhookSecret: 'v2' };
    expect((await cache.get('a'))?.secrets['webhookSecret']).toBe('v1');
    cache.invalidate('a');
    expect((await cache.get('a'))?.secrets['webhookSecret']).toBe('v2');
    expect(await cache.get('missing')).toBeNull();
    rows['missing'] = { id: 'missing', connector: 'github', name: 'm', config: {}, secrets: {} };
    expect(await cache.get('missing')).not.toBeNull();

    // Steps name connections by id or name: by-name entries are their own, and any change clears them.
    const byRef: string[] = [];
    const named = new ConnectionCache(async (ref, { byName }) => {
      byRef.push(`${ref}:${byName}`);
      return Object.values(rows).find((r) => r.id === ref || (byName && r.name === ref)) ?? null;
    });
    expect((await named.getByRef('a'))?.id).toBe('a');
    expect((await named.getByRef('m'))?.id).toBe('missing');
    expect((await named.getByRef('m'))?.id).toBe('missing');
    expect((await named.get('missing'))?.id).toBe('missing');
    expect(byRef).toEqual(['a:true', 'm:true', 'missing:false']);
    rows['b'] = { id: 'b', connector: 'github', name: 'm', config: {}, secrets: {} };
    delete rows['missing'];
    named.invalidate('missing');
    expect((await named.getByRef('m'))?.id).toBe('b');
    expect(await named.get('missing')).toBeNull();

    const short = new ConnectionCache(async () => { loads++; return rows['a']!; }, { ttlMs: 1 });
    const before = loads;
    await short.get('a');
    await new Promise((r) => setTimeout(r, 5));
    await short.get('a');
    expect(loads - before).toBe(2);
  });
});
