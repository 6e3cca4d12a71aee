import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signGithubPayload, signSlackPayload, signStandardWebhook, signStripePayload, signShopifyPayload, signTwilioRequest, defineTrigger } from '../../connectors/sdk/index.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import { DIALECTS } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver, nowSeconds, updateTestSecrets } from '../support/webhooks.ts';

const GH_SECRET = "It's a Secret to Everybody";
const WHSEC = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;

function githubHeaders(body: string, secret = GH_SECRET, delivery: string = randomUUID(), event = 'issues') {
  return { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': signGithubPayload(body, secret) };
}

describe.each(DIALECTS)('POST /webhooks/:connector/:connectionId on %s', (dialect) => {
  let stack: TestStack;
  let github: string;
  beforeAll(async () => {
    stack = await startTestStack({ dialect });
    github = await createTestConnection(stack.services, 'github', { webhookSecret: GH_SECRET });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string>) => deliver(stack.baseUrl, path, body, headers);
  const issueBody = (n: number) => `{"action": "opened", "issue": {"number": ${n}}, "marker": "do-not-echo-${n}"}`;

  it("accepts GitHub's published vector and rejects altered, re-serialised, wrongly keyed or wrong-length signatures without echo", async () => {
    const path = `/webhooks/github/${github}`;
    // The vector's body is not JSON: it verifies, and the authentic delivery is recorded unparsed rather than dropped.
    const vector = await post(path, 'Hello, World!', { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'vector-1', 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' });
    expect(vector.status).toBe(202);
    const recorded = await stack.services.temporal.client.workflow.getHandle((vector.json as { workflowId: string }).workflowId).describe();
    expect(recorded.searchAttributes['SwitchboardEventType']).toEqual(['github.unparsed']);
    const oneByte = await post(path, 'Hello, World?', { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' });
    expect(oneByte.status).toBe(401);

    const body = issueBody(1);
    const headers = githubHeaders(body);
    const cases: [string, Record<string, string>][] = [
      [JSON.stringify(JSON.parse(body)), headers],
      [body, githubHeaders(body, 'wrong secret')],
      [body, { ...headers, 'x-hub-signature-256': headers['x-hub-signature-256'].slice(0, -2) }],
      [body, { ...headers, 'x-hub-signature-256': `${headers['x-hub-signature-256']}00` }],
      [body, { ...headers, 'x-hub-signature-256': '' }],
    ];
    for (const [b, h] of cases) {
      const r = await post(path, b, h);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: { code: 'INVALID_SIGNATURE', message: 'Webhook signature verification failed' } });
      expect(r.text).not.toContain('do-not-echo');
    }
  });

  it('starts the event workflow once: 202, then 200 duplicate with the same ids after it closed', async () => {
    const body = issueBody(2);
    const delivery = randomUUID();
    const first = await post(`/webhooks/github/${github}`, body, githubHeaders(body, GH_SECRET, delivery));
    expect(first.status).toBe(202);
    const workflowId = `wh:github:${github}:${delivery}`;
    expect(first.json).toEqual({ eventId: delivery, workflowId, runId: expect.any(String) });

    const handle = stack.services.temporal.client.workflow.getHandle(workflowId);
    expect(await handle.result()).toEqual({ eventId: delivery, type: 'github.issues.opened', runs: [] });
    const again = await post(`/webhooks/github/${github}`, body, githubHeaders(body, GH_SECRET, delivery));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ duplicate: true, eventId: delivery, workflowId, runId: first.json['runId'] });

    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SA.connector)).toBe('github');
    expect(description.typedSearchAttributes.get(SA.connectionId)).toBe(github);
    expect(description.typedSearchAttributes.get(SA.eventType)).toBe('github.issues.opened');
    expect(await description.staticSummary()).toBe('github.issues.opened from GitHub connection "github test"');
  });

  it('20 concurrent deliveries with one delivery id: one execution, one 202, identical ids in every answer', async () => {
    const body = issueBody(3);
    const delivery = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(`/webhooks/github/${github}`, body, githubHeaders(body, GH_SECRET, delivery))));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.json['duplicate'] === true)).toHaveLength(19);
    const ids = new Set(answers.map((a) => `${String(a.json['workflowId'])}/${String(a.json['runId'])}`));
    expect(ids.size).toBe(1);
    const workflowId = `wh:github:${github}:${delivery}`;
    const { runId } = await stack.services.temporal.client.workflow.getHandle(workflowId).describe();
    expect(ids).toEqual(new Set([`${workflowId}/${runId}`]));
    // Visibility is eventually consistent: wait until the run shows, then there must be exactly one.
    const query = `WorkflowId = "${workflowId}"`;
    let count = 0;
    for (let i = 0; i < 50 && count === 0; i++) {
      count = (await stack.services.temporal.client.workflow.count(query)).count;
      if (count === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(1);
  });

  it('answers GitHub ping and Slack url_verification at once, without a workflow', async () => {
    const ping = '{"zen":"Keep it logically awesome.","hook_id":7}';
    const delivery = randomUUID();
    const r = await post(`/webhooks/github/${github}`, ping, githubHeaders(ping, GH_SECRET, delivery, 'ping'));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, zen: 'Keep it logically awesome.', hookId: 7 });
    await expect(stack.services.temporal.client.workflow.getHandle(`wh:github:${github}:${delivery}`).describe()).rejects.toThrow(/not found/i);

    const slack = await createTestConnection(stack.services, 'slack', { signingSecret: 'slack-secret' });
    const challenge = '{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    const ts = nowSeconds();
    const v = await post(`/webhooks/slack/${slack}`, challenge, { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(challenge, 'slack-secret', ts) });
    expect(v.status).toBe(200);
    expect(v.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('rejects stale timestamps (now−301 s) and accepts fresh ones (now−299 s) for Standard Webhooks, Stripe and Slack', async () => {
    const std = await createTestConnection(stack.services, 'webhook', { signingSecret: WHSEC });
    const stripe = await createTestConnection(stack.services, 'stripe', { webhookSecret: 'whsec_stripe' });
    const slack = await createTestConnection(stack.services, 'slack', { signingSecret: 'slack-secret' });
    const senders: Record<string, (ts: number) => [string, string, Record<string, string>]> = {
      standard: (ts) => {
        const id = `msg_${randomUUID()}`;
        const body = `{"type":"invoice.paid","data":{"n":${ts}}}`;
        return [`/webhooks/webhook/${std}`, body, { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook({ id, timestamp: ts, rawBody: body, secret: WHSEC }) }];
      },
      stripe: (ts) => {
        const body = `{"id":"evt_${randomUUID()}","type":"invoice.paid","data":{"object":{}}}`;
        return [`/webhooks/stripe/${stripe}`, body, { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, 'whsec_stripe', ts) }];
      },
      slack: (ts) => {
        const body = `{"type":"event_callback","event_id":"Ev${randomUUID()}","event":{"type":"app_mention","text":"hi"}}`;
        return [`/webhooks/slack/${slack}`, body, { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(body, 'slack-secret', ts) }];
      },
    };
    const types: Record<string, string> = { standard: 'webhook.invoice.paid', stripe: 'stripe.invoice.paid', slack: 'slack.app_mention' };
    for (const [name, send] of Object.entries(senders)) {
      const stale = await post(...send(nowSeconds() - 301));
      expect(stale.status, `${name} stale`).toBe(401);
      const fresh = await post(...send(nowSeconds() - 299));
      expect(fresh.status, `${name} fresh`).toBe(202);
      const result = await stack.services.temporal.client.workflow.getHandle(String(fresh.json['workflowId'])).result();
      expect(result).toMatchObject({ type: types[name] });
    }
  });

  it('rejects a valid Slack request sent to a GitHub connection', async () => {
    const body = '{"type":"event_callback","event_id":"Ev1","event":{"type":"message"}}';
    const ts = nowSeconds();
    const headers = { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(body, GH_SECRET, ts) };
    expect((await post(`/webhooks/github/${github}`, body, headers)).status).toBe(401);
  });

  it('accepts both secrets while rotating and refuses the old one once removed through the connections API', async () => {
    const created = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'github', name: 'rotating', secrets: { webhookSecret: ['old-secret', 'new-secret'] } } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const send = (secret: string) => {
      const body = issueBody(Math.floor(Math.random() * 1e9));
      return post(`/webhooks/github/${id}`, body, githubHeaders(body, secret));
    };
    expect((await send('old-secret')).status).toBe(202);
    expect((await send('new-secret')).status).toBe(202);
    const patched = await stack.api(`/api/v1/connections/${id}`, { method: 'PATCH', json: { secrets: { webhookSecret: 'new-secret' } } });
    expect(patched.status).toBe(200);
    expect((await send('old-secret')).status).toBe(401);
    expect((await send('new-secret')).status).toBe(202);
    // The same through a secret list written directly (array form).
    await updateTestSecrets(stack.services, id, { webhookSecret: ['newer-secret', 'new-secret'] });
    expect((await send('newer-secret')).status).toBe(202);
    expect((await send('old-secret')).status).toBe(401);
  });

  it('stops accepting deliveries once the connection is deleted', async () => {
    const created = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'github', name: 'short-lived', secrets: { webhookSecret: 'gone' } } });
    const { id } = (await created.json()) as { id: string };
    const body = issueBody(99);
    expect((await post(`/webhooks/github/${id}`, body, githubHeaders(body, 'gone'))).status).toBe(202);
    expect((await stack.api(`/api/v1/connections/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await post(`/webhooks/github/${id}`, body, githubHeaders(body, 'gone'))).status).toBe(404);
  });

  it('answers 404 for unknown connectors, connections, another connector’s connection and connectors without a webhook trigger', async () => {
    const body = issueBody(4);
    expect((await post(`/webhooks/nope/${github}`, body, githubHeaders(body))).status).toBe(404);
    expect((await post('/webhooks/github/conn_missing', body, githubHeaders(body))).status).toBe(404);
    expect((await post(`/webhooks/stripe/${github}`, body, githubHeaders(body))).status).toBe(404);
    const key = `notrigger${dialect}`;
    stack.services.connectors.add({ key, displayName: 'No trigger', version: '1.0.0', description: 'x', config: z.object({}), secrets: z.object({}), actions: {} });
    const other = await createTestConnection(stack.services, key, {});
    const r = await post(`/webhooks/${key}/${other}`, body, githubHeaders(body));
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers 405 with Allow: POST for other methods on a webhook URL', async () => {
    for (const method of ['GET', 'PUT']) {
      const r = await fetch(`${stack.baseUrl}/webhooks/github/${github}`, { method });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
      expect(await r.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
    }
  });

  it('limits the body to 1 MiB by default and to the connection’s own limit', async () => {
    const big = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
    const r = await post(`/webhooks/github/${github}`, big, githubHeaders(big));
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });

    const small = await createTestConnection(stack.services, 'github', { webhookSecret: GH_SECRET }, { webhookMaxBodyBytes: 200 });
    const ok = issueBody(5);
    expect((await post(`/webhooks/github/${small}`, ok, githubHeaders(ok))).status).toBe(202);
    const over = `{"action":"opened","pad":"${'y'.repeat(200)}"}`;
    expect((await post(`/webhooks/github/${small}`, over, githubHeaders(over))).status).toBe(413);
  });

  it('answers 415 for unsupported content types and encodings', async () => {
    const body = issueBody(6);
    expect((await post(`/webhooks/github/${github}`, body, { ...githubHeaders(body), 'content-type': 'text/xml' })).status).toBe(415);
    const noType = await fetch(`${stack.baseUrl}/webhooks/github/${github}`, { method: 'POST', body: Buffer.from(body), headers: { 'x-hub-signature-256': signGithubPayload(body, GH_SECRET) } });
    expect(noType.status).toBe(415);
    expect((await post(`/webhooks/github/${github}`, body, { ...githubHeaders(body), 'content-encoding': 'gzip' })).status).toBe(415);
  });

  it('ingests Shopify, Twilio, Telegram and generic HMAC deliveries with their delivery ids and types', async () => {
    const shop = await createTestConnection(stack.services, 'shopify', { webhookSecret: 'shpss_1' });
    const shopBody = '{"id":820982911946154500,"total_price":"10.00"}';
    const eventId = randomUUID();
    const s = await post(`/webhooks/shopify/${shop}`, shopBody, { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': eventId, 'x-shopify-hmac-sha256': signShopifyPayload(shopBody, 'shpss_1') });
    expect(s.status).toBe(202);
    expect(s.json['workflowId']).toBe(`wh:shopify:${shop}:${eventId}`);
    expect(await stack.services.temporal.client.workflow.getHandle(`wh:shopify:${shop}:${eventId}`).result()).toMatchObject({ type: 'shopify.orders.create' });

    const twilio = await createTestConnection(stack.services, 'twilio', { authToken: 'tw_token' });
    const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, From: '+15550001', To: '+15550002', Body: 'hello there' };
    const url = `${stack.baseUrl}/webhooks/twilio/${twilio}`;
    const t = await post(`/webhooks/twilio/${twilio}`, new URLSearchParams(params).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(url, params, 'tw_token') });
    expect(t.status).toBe(202);
    expect(t.json['eventId']).toBe(params.MessageSid);
    const tamper = await post(`/webhooks/twilio/${twilio}`, new URLSearchParams({ ...params, Body: 'hello therE' }).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(url, params, 'tw_token') });
    expect(tamper.status).toBe(401);

    const telegram = await createTestConnection(stack.services, 'telegram', { botToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', webhookSecretToken: 'tg-secret' });
    const update = `{"update_id":${Date.now()},"message":{"text":"/start"}}`;
    const tg = await post(`/webhooks/telegram/${telegram}`, update, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' });
    expect(tg.status).toBe(202);
    expect(await stack.services.temporal.client.workflow.getHandle(String(tg.json['workflowId'])).result()).toMatchObject({ type: 'telegram.message' });
    expect((await post(`/webhooks/telegram/${telegram}`, update, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' })).status).toBe(401);

    const hmac = await createTestConnection(stack.services, 'webhook', { signingSecret: ['k-old', 'k-new'] }, { scheme: 'hmac', hmac: { header: 'X-Acme-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=' }, idHeader: 'x-acme-delivery' });
    const acme = '{"type":"order.shipped"}';
    const { createHmac } = await import('node:crypto');
    const sig = `sha512=${createHmac('sha512', 'k-new').update(acme).digest('base64')}`;
    const a = await post(`/webhooks/webhook/${hmac}`, acme, { 'content-type': 'application/json', 'x-acme-signature': sig, 'x-acme-delivery': 'acme-42' });
    expect(a.status).toBe(202);
    expect(a.json['workflowId']).toBe(`wh:webhook:${hmac}:acme-42`);
    const noId = await post(`/webhooks/webhook/${hmac}`, acme, { 'content-type': 'application/json', 'x-acme-signature': sig });
    expect(noId.json['eventId']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets a third-party trigger reuse the SDK verifiers', async () => {
    const key = `acme${dialect}`;
    const { verifyGithubSignature, secretList } = await import('../../connectors/sdk/index.ts');
    stack.services.connectors.add({
      key, displayName: 'Acme', version: '1.0.0', description: 'x', config: z.object({}), secrets: z.object({ token: z.string() }), actions: {},
      triggers: {
        webhook: defineTrigger({
          description: 'acme', events: ['acme.*'],
          verify: (req, ctx) => verifyGithubSignature(req, secretList(ctx.secrets['token'])),
          toEvent: () => ({ type: 'acme.ping', payload: {} }),
        }),
      },
    });
    const id = await createTestConnection(stack.services, key, { token: 'acme-token' });
    const body = '{"hello":"acme"}';
    const r = await post(`/webhooks/${key}/${id}`, body, { 'content-type': 'application/json', 'x-hub-signature-256': signGithubPayload(body, 'acme-token') });
    expect(r.status).toBe(202);
  });
});
