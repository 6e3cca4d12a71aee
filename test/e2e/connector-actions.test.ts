/**
 * The connector actions of issue 13 (GitHub pull requests and labels, Slack file
 * uploads, Stripe payments, SendGrid, Shopify, S3, the built-in `test_connection`)
 * pass the contract kit against local fakes in the providers' wire formats, each
 * running as a real Temporal activity; then the wire details the kit does not see.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/index.ts';
import { connectorContract, createContractHarness, httpFake, type ConnectorContractSpec, type ContractHarness } from '../../src/testing/index.ts';
import { shopOrigin } from '../../connectors/shopify/client.ts';
import { shopifyConfig } from '../../connectors/shopify/schemas.ts';
import { githubResponder } from '../support/fakes/github-api.ts';
import { s3ContractFake, startMoto, type MotoServer } from '../support/moto.ts';
import { sendgridResponder } from '../support/fakes/sendgrid-api.ts';
import { stripeResponder } from '../support/fakes/stripe-api.ts';
import { shopifyResponder, SHOPIFY_VERSION } from '../support/fakes/shopify-api.ts';
import { LIVE_HOOK, REVOKED_HOOK, slackResponder, UNKNOWN_HOOK } from '../support/fakes/slack-api.ts';

const connector = (key: string): ConnectorDefinition => BUILTIN_CONNECTORS.find((c) => c.key === key)!;

const GITHUB = { config: (fake: { url: string } | undefined) => ({ baseUrl: fake!.url }), secrets: { token: 'ghp_githubsecrettoken456' } };

const STRIPE = { config: (fake: { url: string } | undefined) => ({ baseUrl: fake!.url }), secrets: { apiKey: 'sk_test_stripe_secret_key_2' } };

const SHOPIFY_TOKEN = 'shpat_shopify_admin_secret_1';
const SHOPIFY = { config: (fake: { url: string } | undefined) => ({ baseUrl: fake!.url, shopDomain: 'acme.myshopify.com' }), secrets: { accessToken: SHOPIFY_TOKEN } };

const S3_KEY_ID = 'AKIAS3ACTIONSKEY0001';
const S3_SECRETS = { secretAccessKey: 's3-actions-secret-access-key-2' };
const S3 = { config: (fake: { url: string } | undefined) => ({ accessKeyId: S3_KEY_ID, endpoint: fake!.url, forcePathStyle: true, bucket: 'actions-bucket' }), secrets: S3_SECRETS };

const specs: ConnectorContractSpec[] = [
  {
    connector: connector('github'),
    action: 'create_pull_request',
    input: { owner: 'acme', repo: 'app', title: 'Fix the build', head: 'fix-build', base: 'main' },
    fake: () => httpFake(githubResponder(), { malformed: { status: 201, body: { id: 5001, number: 42 } } }),
    ...GITHUB,
    connectionTest: true,
  },
  {
    connector: connector('github'),
    action: 'merge_pull_request',
    input: { owner: 'acme', repo: 'app', pullNumber: 42, mergeMethod: 'squash' },
    fake: () => httpFake(githubResponder({ merged: new Map(), remember: false }), { malformed: { body: { merged: true } } }),
    ...GITHUB,
  },
  {
    connector: connector('github'),
    action: 'add_labels',
    input: { owner: 'acme', repo: 'app', issueNumber: 42, labels: ['bug', 'ci'] },
    fake: () => httpFake(githubResponder(), { malformed: { body: { message: 'not a list' } } }),
    ...GITHUB,
  },
  {
    connector: connector('slack'),
    action: 'upload_file',
    input: { filename: 'report.csv', content: 'a,b\n1,2\n', title: 'Nightly report', channel: 'C0123ABCD' },
    fake: () => httpFake(slackResponder),
    config: (fake) => ({ baseUrl: `${fake!.url}/api` }),
    secrets: { botToken: 'xoxb-slack-secret-token-2' },
    callsPerRun: 3,
    // A malformed first answer (no upload_url) is a provider fault, retried like a 5xx.
    faults: ['unauthorized', 'rateLimited', 'unavailable'],
  },
  {
    connector: connector('stripe'),
    action: 'create_payment_intent',
    input: { amount: 2000, currency: 'usd', customer: 'cus_NffrFeUfNV2Hib', metadata: { order: '1001' } },
    fake: () => httpFake(stripeResponder(), { malformed: { body: { id: 'pi_1', amount: 'lots' } } }),
    ...STRIPE,
    connectionTest: true,
  },
  {
    connector: connector('stripe'),
    action: 'create_refund',
    input: { paymentIntent: 'pi_3MtwBwLkdIwHu7ix28a3tqPa', amount: 500, reason: 'requested_by_customer' },
    fake: () => httpFake(stripeResponder(), { malformed: { body: { id: 'not-a-refund' } } }),
    ...STRIPE,
  },
  {
    connector: connector('stripe'),
    action: 'retrieve_event',
    input: { id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' },
    fake: () => httpFake(stripeResponder(), { malformed: { body: { id: 'evt_1', type: 42 } } }),
    ...STRIPE,
  },
  {
    connector: connector('shopify'),
    action: 'get_order',
    input: { orderId: 450789469 },
    fake: () => httpFake(shopifyResponder(SHOPIFY_TOKEN), { malformed: { body: { order: { id: 450789469 } } } }),
    ...SHOPIFY,
    connectionTest: true,
  },
  {
    connector: connector('shopify'),
    action: 'create_fulfillment',
    input: { fulfillmentOrders: [{ id: 1046000778 }], tracking: { number: '1Z999', company: 'UPS' } },
    fake: () => httpFake(shopifyResponder(SHOPIFY_TOKEN), { malformed: { status: 201, body: { fulfillment: { id: 'f1' } } } }),
    ...SHOPIFY,
  },
  {
    connector: connector('s3'),
    action: 'get_object',
    input: { key: 'notes/today.txt' },
    fake: () => s3ContractFake('actions-bucket', { 'notes/today.txt': 'hello from moto' }),
    ...S3,
  },
  {
    connector: connector('s3'),
    action: 'list_objects',
    input: { prefix: 'notes/' },
    fake: () => s3ContractFake('actions-bucket', { 'notes/today.txt': 'a' }),
    ...S3,
    // A body-less 200 is an empty listing to the SDK, not a malformed one.
    faults: ['unauthorized', 'rateLimited', 'unavailable'],
  },
  {
    connector: connector('s3'),
    action: 'delete_object',
    input: { key: 'notes/today.txt' },
    fake: () => s3ContractFake('actions-bucket', { 'notes/today.txt': 'a' }),
    ...S3,
    // DeleteObject answers 204 with no body: there is nothing to be malformed.
    faults: ['unauthorized', 'rateLimited', 'unavailable'],
  },
  {
    // Signed locally: no call, so no faults.
    connector: connector('s3'),
    action: 'presign_get_url',
    input: { key: 'notes/today.txt', expiresIn: 60 },
    config: () => ({ accessKeyId: S3_KEY_ID, endpoint: 'http://127.0.0.1:9', forcePathStyle: true, bucket: 'actions-bucket' }),
    secrets: S3_SECRETS,
    faults: [],
  },
];

let harness: ContractHarness;
beforeAll(async () => {
  harness = await createContractHarness({ temporalAddress: inject('temporalAddress'), connectors: BUILTIN_CONNECTORS, ssrfAllow: ['127.0.0.1'] });
});
afterAll(async () => {
  await harness?.close();
});

for (const spec of specs) {
  describe(`contract: ${spec.connector.key}.${spec.action}`, () => {
    const contract = connectorContract(spec, () => harness);
    beforeAll(() => contract.setup());
    afterAll(() => contract.teardown());
    for (const check of contract.checks) it(check.name, () => check.run(), 30_000);
  });
}

describe('github', () => {
  it('create_pull_request sends GitHub field names; add_labels sends { labels }', async () => {
    const fake = await httpFake(githubResponder());
    try {
      const id = await harness.createConnection('github', { baseUrl: fake.url }, { token: 'ghp_githubsecrettoken789' });
      const pr = await harness.runAction(id, 'create_pull_request', { owner: 'acme', repo: 'app', title: 'T', head: 'me:feature', base: 'main', body: 'B', draft: true, maintainerCanModify: false });
      expect(pr).toMatchObject({ ok: true, output: { number: 42, draft: true, headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', url: 'https://github.com/acme/app/pull/42' } });
      const labels = await harness.runAction(id, 'add_labels', { owner: 'acme', repo: 'app', issueNumber: 42, labels: ['bug'] });
      expect(labels).toMatchObject({ ok: true, output: { labels: [{ name: 'bug', color: 'f29513' }] } });
      const [create, label] = fake.requests();
      expect(create!.json).toEqual({ title: 'T', head: 'me:feature', base: 'main', body: 'B', draft: true, maintainer_can_modify: false });
      expect(create!.headers.authorization).toBe('Bearer ghp_githubsecrettoken789');
      expect(create!.headers['x-github-api-version']).toBe('2022-11-28');
      expect(label!.json).toEqual({ labels: ['bug'] });
    } finally {
      await fake.close();
    }
  });

  it('merge_pull_request: a retry after a merge whose answer was lost succeeds (alreadyMerged); an unmergeable PR fails with INVALID_INPUT once', async () => {
    const merged = new Map<number, string>([[42, 'aaaaaaaa11112222333344445555666677778888']]);
    const fake = await httpFake(githubResponder({ merged }));
    try {
      const id = await harness.createConnection('github', { baseUrl: fake.url }, { token: 'ghp_githubsecrettoken789' });
      const again = await harness.runAction(id, 'merge_pull_request', { owner: 'acme', repo: 'app', pullNumber: 42, sha: '6dcb09b' });
      expect(again).toMatchObject({ ok: true, output: { merged: true, alreadyMerged: true, sha: 'aaaaaaaa11112222333344445555666677778888' } });
      expect(fake.requests().map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /repos/acme/app/pulls/42/merge', 'GET /repos/acme/app/pulls/42']);
      expect(fake.requests()[0]!.json).toEqual({ merge_method: 'merge', sha: '6dcb09b' });

      const notMergeable = await httpFake((req) => (req.method === 'PUT' ? { status: 405, body: { message: 'Pull Request is not mergeable' } } : { body: { number: 9, merged: false, merge_commit_sha: null } }));
      try {
        const id2 = await harness.createConnection('github', { baseUrl: notMergeable.url }, { token: 'ghp_githubsecrettoken789' });
        const r = await harness.runAction(id2, 'merge_pull_request', { owner: 'acme', repo: 'app', pullNumber: 9 });
        expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', nonRetryable: true, message: expect.stringContaining('not mergeable') });
        expect(notMergeable.requests()).toHaveLength(2);
      } finally {
        await notMergeable.close();
      }
    } finally {
      await fake.close();
    }
  });
});

describe('slack', () => {
  it('upload_file: form-encoded getUploadURLExternal with the byte length, raw bytes to the upload URL without the token, completeUploadExternal shares it', async () => {
    const fake = await httpFake(slackResponder);
    try {
      const id = await harness.createConnection('slack', { baseUrl: `${fake.url}/api` }, { botToken: 'xoxb-slack-secret-token-3' });
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
      const r = await harness.runAction(id, 'upload_file', { filename: 'chart.png', contentBase64: png.toString('base64'), title: 'Chart', channel: 'C0123ABCD', initialComment: 'today', threadTs: '1700000000.000100', altText: 'a chart' });
      expect(r).toMatchObject({ ok: true, output: { fileId: 'F07ABCDEF12', title: 'Chart' } });
      const [get, upload, complete] = fake.requests();
      expect(get).toMatchObject({ method: 'POST', url: '/api/files.getUploadURLExternal' });
      expect(get!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(get!.headers.authorization).toBe('Bearer xoxb-slack-secret-token-3');
      expect(get!.json).toEqual({ filename: 'chart.png', length: '10', alt_txt: 'a chart' });
      expect(upload).toMatchObject({ method: 'POST', url: '/upload/v1/ABC10' });
      expect(upload!.headers.authorization).toBeUndefined();
      expect(upload!.headers['content-length']).toBe('10');
      expect(complete).toMatchObject({ method: 'POST', url: '/api/files.completeUploadExternal' });
      expect(complete!.json).toEqual({ files: JSON.stringify([{ id: 'F07ABCDEF12', title: 'Chart' }]), channel_id: 'C0123ABCD', initial_comment: 'today', thread_ts: '1700000000.000100' });

      const missing = await harness.runAction(id, 'upload_file', { filename: 'x.txt', content: 'x', channel: 'C0NOTHERE' });
      expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND', nonRetryable: true, message: expect.stringContaining('channel_not_found') });
    } finally {
      await fake.close();
    }
  });

  it('upload_file without a botToken fails with CONFIG_INVALID; both or neither content field is INVALID_INPUT; nothing is called', async () => {
    const fake = await httpFake(slackResponder);
    try {
      const hookOnly = await harness.createConnection('slack', { baseUrl: `${fake.url}/api` }, { incomingWebhookUrl: `${fake.url}${LIVE_HOOK}` });
      expect(await harness.runAction(hookOnly, 'upload_file', { filename: 'a.txt', content: 'a' })).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: expect.stringContaining('botToken') });
      const bot = await harness.createConnection('slack', { baseUrl: `${fake.url}/api` }, { botToken: 'xoxb-slack-secret-token-4' });
      expect(await harness.runAction(bot, 'upload_file', { filename: 'a.txt', content: 'a', contentBase64: 'YQ==' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
      expect(await harness.runAction(bot, 'upload_file', { filename: 'a.txt' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
      expect(fake.requests()).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it('the connection test of a webhook-only connection posts an empty body to the URL: live → ok, revoked or unknown → ok: false', async () => {
    const fake = await httpFake(slackResponder);
    try {
      const test = async (hook: string) => harness.testConnection(await harness.createConnection('slack', {}, { incomingWebhookUrl: `${fake.url}${hook}` }));
      expect(await test(LIVE_HOOK)).toEqual({ ok: true, message: expect.stringContaining('incoming webhook URL is live') });
      expect(await test(REVOKED_HOOK)).toEqual({ ok: false, message: expect.stringMatching(/not valid: Slack answered 403 invalid_token/) });
      expect(await test(UNKNOWN_HOOK)).toEqual({ ok: false, message: expect.stringMatching(/not valid: Slack answered 404 no_service/) });
      const posts = fake.requests();
      expect(posts.map((p) => p.url)).toEqual([LIVE_HOOK, REVOKED_HOOK, UNKNOWN_HOOK]);
      for (const p of posts) expect(p.body).toBe('');
      // No secret (the hook URL's token part) leaks into the messages.
      const revoked = await test(REVOKED_HOOK);
      expect(revoked!.message).not.toContain('revoked000');
    } finally {
      await fake.close();
    }
  });
});

describe('stripe', () => {
  it('every call of every action carries the step key; a retried create replays the first object; form bodies use bracket notation', async () => {
    let failNext = 0;
    const respond = stripeResponder();
    const fake = await httpFake((req) => (failNext-- > 0 ? { status: 500, body: { error: { type: 'api_error', message: 'boom' } } } : respond(req)));
    try {
      const id = await harness.createConnection('stripe', { baseUrl: fake.url }, { apiKey: 'sk_test_stripe_secret_key_3' });
      const pi = await harness.runAction(id, 'create_payment_intent', { amount: 1099, currency: 'eur', paymentMethodTypes: ['card', 'sepa_debit'], confirm: true, paymentMethod: 'pm_card_visa', metadata: { order: '7' } });
      expect(pi).toMatchObject({ ok: true, output: { amount: 1099, currency: 'eur', status: 'succeeded' } });
      expect(JSON.stringify(pi)).not.toContain('secret');
      const [create] = fake.requests();
      expect(create!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(create!.body))).toEqual({
        amount: '1099',
        currency: 'eur',
        payment_method: 'pm_card_visa',
        confirm: 'true',
        'metadata[order]': '7',
        'payment_method_types[0]': 'card',
        'payment_method_types[1]': 'sepa_debit',
      });

      // A 5xx first attempt: the retry sends the same key, so a refund Stripe did create
      // before failing would be replayed, not made twice.
      failNext = 1;
      const before = fake.requests().length;
      const refund = await harness.runAction(id, 'create_refund', { charge: 'ch_3MtwBwLkdIwHu7ix0snN0B15' });
      expect(refund).toMatchObject({ ok: true, output: { charge: 'ch_3MtwBwLkdIwHu7ix0snN0B15', paymentIntent: null } });
      const attempts = fake.requests().slice(before);
      expect(attempts).toHaveLength(2);
      expect(attempts[1]!.headers['idempotency-key']).toBe(attempts[0]!.headers['idempotency-key']);
      expect(attempts[0]!.headers['idempotency-key']).toMatch(new RegExp(`^${refund.workflowId}:`));

      const ev = await harness.runAction(id, 'retrieve_event', { id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' });
      expect(ev).toMatchObject({ ok: true, output: { type: 'payment_intent.succeeded', apiVersion: '2024-06-20', object: { id: 'pi_3MtwBwLkdIwHu7ix28a3tqPa' } } });
      const get = fake.requests().at(-1)!;
      expect(get.method).toBe('GET');
      expect(get.headers['idempotency-key']).toMatch(new RegExp(`^${ev.workflowId}:`));
      expect(get.headers['stripe-version']).toBe('2024-06-20');
    } finally {
      await fake.close();
    }
  });

  it("Stripe's errors map to codes: a missing event is NOT_FOUND, an already-refunded charge INVALID_INPUT with Stripe's message, both not retried", async () => {
    const fake = await httpFake(stripeResponder());
    try {
      const id = await harness.createConnection('stripe', { baseUrl: fake.url }, { apiKey: 'sk_test_stripe_secret_key_4' });
      expect(await harness.runAction(id, 'retrieve_event', { id: 'evt_missing' })).toMatchObject({ ok: false, code: 'NOT_FOUND', nonRetryable: true });
      expect(await harness.runAction(id, 'create_refund', { paymentIntent: 'pi_refunded_already' })).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('has already been refunded') });
      expect(await harness.runAction(id, 'create_refund', { paymentIntent: 'pi_1', charge: 'ch_1' })).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('exactly one of') });
      expect(fake.requests()).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });
});

describe('sendgrid', () => {
  it('send_email: one personalization with to/cc/bcc, text before html, attachments, template data; X-Message-Id in the output', async () => {
    const fake = await httpFake(sendgridResponder());
    try {
      const id = await harness.createConnection('sendgrid', { baseUrl: fake.url, from: 'bot@example.com', fromName: 'Switchboard' }, { apiKey: 'SG.sendgrid-secret-key-2' });
      const pdf = Buffer.from('%PDF-1.4 tiny').toString('base64');
      const r = await harness.runAction(id, 'send_email', {
        to: ['a@example.com', { email: 'b@example.com', name: 'Bea' }],
        cc: 'c@example.com',
        bcc: [{ email: 'd@example.com' }],
        replyTo: 'support@example.com',
        subject: 'Invoice',
        html: '<p>Attached.</p>',
        text: 'Attached.',
        attachments: [{ filename: 'invoice.pdf', content: pdf, type: 'application/pdf', disposition: 'attachment' }],
        categories: ['billing'],
        customArgs: { invoice: '42' },
      });
      expect(r).toMatchObject({ ok: true, output: { status: 202, messageId: expect.stringMatching(/^[\w-]{22}$/) } });
      const sent = fake.requests()[0]!;
      expect(sent.headers.authorization).toBe('Bearer SG.sendgrid-secret-key-2');
      expect(sent.json).toEqual({
        personalizations: [{ to: [{ email: 'a@example.com' }, { email: 'b@example.com', name: 'Bea' }], cc: [{ email: 'c@example.com' }], bcc: [{ email: 'd@example.com' }] }],
        from: { email: 'bot@example.com', name: 'Switchboard' },
        reply_to: { email: 'support@example.com' },
        subject: 'Invoice',
        content: [
          { type: 'text/plain', value: 'Attached.' },
          { type: 'text/html', value: '<p>Attached.</p>' },
        ],
        attachments: [{ content: pdf, filename: 'invoice.pdf', type: 'application/pdf', disposition: 'attachment' }],
        categories: ['billing'],
        custom_args: { invoice: '42' },
      });

      const t = await harness.runAction(id, 'send_email', { to: 'a@example.com', from: 'other@example.com', templateId: 'd-0123456789abcdef0123456789abcdef', dynamicTemplateData: { name: 'Ada', items: [1, 2] } });
      expect(t).toMatchObject({ ok: true });
      expect(fake.requests()[1]!.json).toEqual({
        personalizations: [{ to: [{ email: 'a@example.com' }], dynamic_template_data: { name: 'Ada', items: [1, 2] } }],
        from: { email: 'other@example.com' },
        template_id: 'd-0123456789abcdef0123456789abcdef',
      });
    } finally {
      await fake.close();
    }
  });

  it("send_email: bad input is INVALID_INPUT before any call; SendGrid's 403 sender error is FORBIDDEN with its message; no sender is CONFIG_INVALID", async () => {
    const fake = await httpFake(sendgridResponder());
    try {
      const id = await harness.createConnection('sendgrid', { baseUrl: fake.url }, { apiKey: 'SG.sendgrid-secret-key-3' });
      expect(await harness.runAction(id, 'send_email', { to: 'a@example.com', text: 'no subject', from: 'x@example.com' })).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('subject') });
      expect(await harness.runAction(id, 'send_email', { to: 'not-an-email', subject: 's', text: 't', from: 'x@example.com' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
      expect(await harness.runAction(id, 'send_email', { to: 'a@example.com', subject: 's', text: 't' })).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: expect.stringContaining('no sender') });
      expect(fake.requests()).toHaveLength(0);
      const r = await harness.runAction(id, 'send_email', { to: 'a@example.com', subject: 's', text: 't', from: 'x@unverified.example' });
      expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN', nonRetryable: true, message: expect.stringContaining('verified Sender Identity') });
    } finally {
      await fake.close();
    }
  });

  it('the connection test reads GET /v3/scopes and fails a key without mail.send', async () => {
    const fake = await httpFake(sendgridResponder(['alerts.read']));
    try {
      const id = await harness.createConnection('sendgrid', { baseUrl: fake.url }, { apiKey: 'SG.sendgrid-secret-key-4' });
      expect(await harness.testConnection(id)).toEqual({ ok: false, message: 'API key accepted but it lacks the mail.send scope' });
      expect(fake.requests()[0]).toMatchObject({ method: 'GET', url: '/v3/scopes' });
    } finally {
      await fake.close();
    }
  });
});

describe('shopify', () => {
  it('get_order and create_fulfillment by orderId: versioned paths, the access token header, the open fulfillment orders only', async () => {
    const fake = await httpFake(shopifyResponder(SHOPIFY_TOKEN));
    try {
      const id = await harness.createConnection('shopify', { baseUrl: fake.url }, { accessToken: SHOPIFY_TOKEN });
      const order = await harness.runAction(id, 'get_order', { orderId: 450789469 });
      expect(order).toMatchObject({ ok: true, output: { name: '#1001', financialStatus: 'paid', totalPrice: '598.94', tags: ['vip', 'wholesale'], lineItems: [{ id: 466157049, sku: 'IPOD2008GREEN', fulfillableQuantity: 1 }] } });
      const f = await harness.runAction(id, 'create_fulfillment', { orderId: 450789469, tracking: { number: '1Z999', url: 'https://ups.example/1Z999', company: 'UPS' }, notifyCustomer: true });
      expect(f).toMatchObject({ ok: true, output: { id: 1069019862, orderId: 450789469, status: 'success', trackingNumber: '1Z999', trackingCompany: 'UPS' } });
      const calls = fake.requests();
      expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
        `GET /admin/api/${SHOPIFY_VERSION}/orders/450789469.json`,
        `GET /admin/api/${SHOPIFY_VERSION}/orders/450789469/fulfillment_orders.json`,
        `POST /admin/api/${SHOPIFY_VERSION}/fulfillments.json`,
      ]);
      for (const c of calls) expect(c.headers['x-shopify-access-token']).toBe(SHOPIFY_TOKEN);
      expect(calls[2]!.json).toEqual({
        fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: 1046000778 }], tracking_info: { number: '1Z999', url: 'https://ups.example/1Z999', company: 'UPS' }, notify_customer: true },
      });
    } finally {
      await fake.close();
    }
  });

  it('the Admin API origin is the myshopify.com domain of shopDomain (a bare shop name, any case, a pasted URL)', () => {
    for (const shopDomain of ['acme', 'Acme.myshopify.com', 'https://acme.myshopify.com/admin']) expect(shopOrigin(shopifyConfig.parse({ shopDomain }))).toBe('https://acme.myshopify.com');
    expect(() => shopOrigin(shopifyConfig.parse({ shopDomain: 'acme.example.com' }))).toThrow(/myshopify\.com/);
  });

  it("create_fulfillment: Shopify's 422 is INVALID_INPUT with its text; an order with nothing open is INVALID_INPUT; a bad shopDomain or no token is CONFIG_INVALID", async () => {
    const fake = await httpFake(shopifyResponder(SHOPIFY_TOKEN));
    try {
      const id = await harness.createConnection('shopify', { baseUrl: fake.url }, { accessToken: SHOPIFY_TOKEN });
      const closed = await harness.runAction(id, 'create_fulfillment', { fulfillmentOrders: [{ id: 1046000779, lineItems: [{ id: 1, quantity: 1 }] }] });
      expect(closed).toMatchObject({ ok: false, code: 'INVALID_INPUT', nonRetryable: true, message: expect.stringContaining('unfulfillable status= closed') });
      expect(fake.requests()[0]!.json).toEqual({ fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: 1046000779, fulfillment_order_line_items: [{ id: 1, quantity: 1 }] }], notify_customer: false } });
      expect(await harness.runAction(id, 'create_fulfillment', { orderId: 1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('no open fulfillment orders') });

      const before = fake.requests().length;
      const custom = await harness.createConnection('shopify', { shopDomain: 'shop.acme.example' }, { accessToken: SHOPIFY_TOKEN });
      expect(await harness.runAction(custom, 'get_order', { orderId: 1 })).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: expect.stringContaining('myshopify.com') });
      const hooksOnly = await harness.createConnection('shopify', { baseUrl: fake.url }, { webhookSecret: 'shpss_only' });
      expect(await harness.runAction(hooksOnly, 'get_order', { orderId: 1 })).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: expect.stringContaining('accessToken') });
      expect(fake.requests().length).toBe(before);
    } finally {
      await fake.close();
    }
  });
});

describe('s3 against moto', () => {
  let moto: MotoServer;
  let id = '';
  beforeAll(async () => {
    moto = await startMoto();
    expect((await fetch(`${moto.url}/roundtrip`, { method: 'PUT' })).status).toBe(200);
    id = await harness.createConnection('s3', { accessKeyId: S3_KEY_ID, endpoint: moto.url, forcePathStyle: true, region: 'eu-west-1' }, S3_SECRETS);
  });
  afterAll(async () => {
    await moto?.close();
  });

  it('put (text and base64, content type, metadata) → list → get → presigned GET → delete → NOT_FOUND', async () => {
    const put = await harness.runAction(id, 'put_object', { bucket: 'roundtrip', key: 'dir/a.txt', content: 'héllo', contentType: 'text/plain; charset=utf-8', metadata: { source: 'switchboard' } });
    expect(put).toMatchObject({ ok: true, output: { bucket: 'roundtrip', key: 'dir/a.txt', size: 6, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) } });
    const bin = Buffer.from([0, 1, 2, 250, 255]);
    expect(await harness.runAction(id, 'put_object', { bucket: 'roundtrip', key: 'dir/sub/b.bin', contentBase64: bin.toString('base64') })).toMatchObject({ ok: true, output: { size: 5 } });

    const all = await harness.runAction(id, 'list_objects', { bucket: 'roundtrip', prefix: 'dir/' });
    expect(all).toMatchObject({ ok: true, output: { isTruncated: false, commonPrefixes: [] } });
    expect((all as { output: { objects: { key: string; size: number }[] } }).output.objects.map((o) => [o.key, o.size])).toEqual([
      ['dir/a.txt', 6],
      ['dir/sub/b.bin', 5],
    ]);
    const level = await harness.runAction(id, 'list_objects', { bucket: 'roundtrip', prefix: 'dir/', delimiter: '/', maxKeys: 1 });
    expect(level).toMatchObject({ ok: true, output: { objects: [{ key: 'dir/a.txt' }], commonPrefixes: [] } });

    expect(await harness.runAction(id, 'get_object', { bucket: 'roundtrip', key: 'dir/a.txt' })).toMatchObject({
      ok: true,
      output: { content: 'héllo', encoding: 'utf8', size: 6, contentType: 'text/plain; charset=utf-8', metadata: { source: 'switchboard' } },
    });
    expect(await harness.runAction(id, 'get_object', { bucket: 'roundtrip', key: 'dir/sub/b.bin', encoding: 'base64' })).toMatchObject({ ok: true, output: { content: bin.toString('base64') } });
    expect(await harness.runAction(id, 'get_object', { bucket: 'roundtrip', key: 'dir/a.txt', maxBytes: 3 })).toMatchObject({ ok: false, code: 'INVALID_INPUT', nonRetryable: true, message: expect.stringMatching(/6 bytes, more than/) });

    const signed = await harness.runAction(id, 'presign_get_url', { bucket: 'roundtrip', key: 'dir/a.txt', expiresIn: 120, responseContentDisposition: 'attachment; filename="a.txt"' });
    expect(signed.ok).toBe(true);
    const { url } = (signed as { output: { url: string } }).output;
    expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(url).toContain('X-Amz-Expires=120');
    expect(url).toContain(`X-Amz-Credential=${S3_KEY_ID}`);
    expect(url).not.toContain(S3_SECRETS.secretAccessKey);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('héllo');
    // Signed into the URL (moto ignores it on the answer; S3 sets the header from it).
    expect(new URL(url).searchParams.get('response-content-disposition')).toBe('attachment; filename="a.txt"');

    expect(await harness.runAction(id, 'delete_object', { bucket: 'roundtrip', key: 'dir/a.txt' })).toMatchObject({ ok: true, output: { deleted: true } });
    expect(await harness.runAction(id, 'delete_object', { bucket: 'roundtrip', key: 'dir/a.txt' })).toMatchObject({ ok: true });
    expect(await harness.runAction(id, 'get_object', { bucket: 'roundtrip', key: 'dir/a.txt' })).toMatchObject({ ok: false, code: 'NOT_FOUND', nonRetryable: true, message: expect.stringContaining('NoSuchKey') });
    expect(await harness.runAction(id, 'list_objects', { bucket: 'no-such-bucket' })).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringContaining('NoSuchBucket') });
  });

  it('without a bucket in input or config: INVALID_INPUT; the connection test lists buckets or heads the default one', async () => {
    expect(await harness.runAction(id, 'get_object', { key: 'x' })).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('no bucket') });
    expect(await harness.testConnection(id)).toEqual({ ok: true, message: expect.stringMatching(/^authenticated \(\d+ buckets visible\)$/) });
    const withBucket = await harness.createConnection('s3', { accessKeyId: S3_KEY_ID, endpoint: moto.url, forcePathStyle: true, bucket: 'roundtrip' }, S3_SECRETS);
    expect(await harness.testConnection(withBucket)).toEqual({ ok: true, message: 'bucket roundtrip is reachable with these credentials' });
    const missing = await harness.createConnection('s3', { accessKeyId: S3_KEY_ID, endpoint: moto.url, forcePathStyle: true, bucket: 'not-there' }, S3_SECRETS);
    expect(await harness.testConnection(missing)).toMatchObject({ ok: false, message: expect.stringContaining('NOT_FOUND') });
  });

  it('put_object sends a plain signed PUT (SigV4, content type, x-amz-meta-*, no flexible-checksum trailer) that S3-compatible stores accept', async () => {
    const proxy = await s3ContractFake('wire');
    try {
      const conn = await harness.createConnection('s3', { accessKeyId: S3_KEY_ID, endpoint: proxy.url, forcePathStyle: true, bucket: 'wire' }, S3_SECRETS);
      expect(await harness.runAction(conn, 'put_object', { key: 'a b/ü.txt', content: 'x', metadata: { 'run-id': '7' } })).toMatchObject({ ok: true });
      const put = proxy.requests()[0]!;
      expect(put.method).toBe('PUT');
      expect(put.url.split('?')[0]).toBe('/wire/a%20b/%C3%BC.txt');
      expect(put.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${S3_KEY_ID}/\\d{8}/us-east-1/s3/aws4_request`));
      expect(put.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(put.headers['x-amz-meta-run-id']).toBe('7');
      expect(put.headers['content-length']).toBe('1');
      expect(Object.keys(put.headers).filter((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-trailer')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('every SDK call goes through the SSRF guard: a metadata-service endpoint is SSRF_BLOCKED, not retried, and nothing connects', async () => {
    const blocked = await harness.createConnection('s3', { accessKeyId: S3_KEY_ID, endpoint: 'http://169.254.169.254', forcePathStyle: true, bucket: 'latest' }, S3_SECRETS);
    const r = await harness.runAction(blocked, 'get_object', { key: 'meta-data/iam' });
    expect(r).toMatchObject({ ok: false, code: 'SSRF_BLOCKED', nonRetryable: true });
    expect((r as { message: string }).message).not.toContain(S3_SECRETS.secretAccessKey);
    // Virtual-hosted style on a private name is judged after DNS, like every other connector.
    const local = await harness.createConnection('s3', { accessKeyId: S3_KEY_ID, endpoint: 'http://localhost:9', bucket: 'bkt' }, S3_SECRETS);
    expect(await harness.runAction(local, 'list_objects', {})).toMatchObject({ ok: false, code: 'SSRF_BLOCKED' });
  });
});

describe('webhook-only connections', () => {
  it('jira and shopify: a connection with only the webhook secret answers ok: null without a call; their actions need the API credentials (CONFIG_INVALID)', async () => {
    const jira = await harness.createConnection('jira', { baseUrl: 'https://acme.atlassian.net' }, { webhookSecret: 'jira-webhook-secret-1' });
    expect(await harness.testConnection(jira)).toEqual({ ok: null, message: 'signature secret set; no outbound call to test' });
    expect(await harness.runAction(jira, 'add_comment', { issueKey: 'OPS-1', body: 'hi' })).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: expect.stringContaining('apiToken') });
    const shop = await harness.createConnection('shopify', { shopDomain: 'acme' }, { webhookSecret: 'shpss_webhook_only' });
    expect(await harness.testConnection(shop)).toEqual({ ok: null, message: 'signature secret set; no outbound call to test' });
  });
});
