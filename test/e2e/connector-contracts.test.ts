/**
 * Every built-in connector passes the contract kit against its local fake, with the
 * action running as a real Temporal activity (retries and waits are real).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/index.ts';
import { connectorContract, createContractHarness, httpFake, type ConnectorContractSpec, type ContractHarness, type FakeRequest, type FakeResponse, type HttpFake } from '../../src/testing/index.ts';
import { sendgridResponder } from '../support/fakes/sendgrid-api.ts';
import { s3ContractFake } from '../support/moto.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { startFakePinecone, type FakePinecone } from '../support/fakes/pinecone.ts';
import { startFakeQdrant, type FakeQdrant } from '../support/fakes/qdrant.ts';

const connector = (key: string): ConnectorDefinition => BUILTIN_CONNECTORS.find((c) => c.key === key)!;
const SMTP_CREDENTIALS = { username: 'mailer', password: 'smtp-secret-pass-123' };
let smtp: SmtpFake | undefined;
let stripeFake: HttpFake | undefined;
let anthropicFake: HttpFake | undefined;
let qdrantFake: FakeQdrant | undefined;
let pineconeFake: FakePinecone | undefined;
const QDRANT_POINT = '5f1c7a8e-6b2d-5c3e-9f4a-1b2c3d4e5f60';
let cohereChatFake: HttpFake | undefined;
let cohereEmbedFake: HttpFake | undefined;

const TWILIO_ACCOUNT = 'AC5ef8732a3c49700934481addd5ce1659';
/** Twilio's wire format: a Message resource (201), the Account resource, or Twilio's error JSON. */
function twilioResponder(req: FakeRequest): FakeResponse {
  const base = `/2010-04-01/Accounts/${TWILIO_ACCOUNT}`;
  if (req.method === 'POST' && req.url === `${base}/Messages.json`) {
    const form = new URLSearchParams(req.body);
    const sid = `SM${createHash('md5').update(req.body).digest('hex')}`;
    return {
      status: 201,
      body: {
        account_sid: TWILIO_ACCOUNT,
        api_version: '2010-04-01',
        body: form.get('Body'),
        date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
        date_sent: null,
        date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: form.get('From'),
        messaging_service_sid: form.get('MessagingServiceSid'),
        num_media: String(form.getAll('MediaUrl').length),
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        subresource_uris: { media: `${base}/Messages/${sid}/Media.json` },
        to: form.get('To'),
        uri: `${base}/Messages/${sid}.json`,
      },
    };
  }
  if (req.method === 'GET' && req.url === `${base}.json`) {
    return { body: { sid: TWILIO_ACCOUNT, owner_account_sid: TWILIO_ACCOUNT, friendly_name: 'Switchboard contract', status: 'active', type: 'Full', date_created: 'Thu, 24 Aug 2023 05:00:00 +0000', uri: `${base}.json` } };
  }
  return { status: 404, body: { code: 20404, message: `The requested resource ${req.url} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 } };
}

/** Cohere's v2 wire format: a chat answer, an embed answer, the key check, or Cohere's `{ message }` error. */
function cohereResponder(req: FakeRequest): FakeResponse {
  if (req.method === 'POST' && req.url === '/v1/check-api-key') return { body: { valid: true, organization_id: 'org-contract', owner_id: 'owner-contract' } };
  if (req.method === 'POST' && req.url === '/v2/chat') {
    return {
      body: {
        id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
        finish_reason: 'COMPLETE',
        message: { role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
        usage: { billed_units: { input_tokens: 5, output_tokens: 1 }, tokens: { input_tokens: 71, output_tokens: 1 } },
      },
    };
  }
  if (req.method === 'POST' && req.url === '/v2/embed') {
    const texts = (req.json as { texts: string[] }).texts;
    return {
      body: {
        id: 'da6e531f-54c6-4a73-bf92-f60566d8d753',
        embeddings: { float: texts.map((_, i) => [0.1 * (i + 1), 0.2, 0.3]) },
        texts,
        meta: { api_version: { version: '2' }, billed_units: { input_tokens: texts.length * 2 } },
        response_type: 'embeddings_by_type',
      },
    };
  }
  return { status: 404, body: { id: 'e-404', message: `no such route ${req.url}` } };
}

const specs: ConnectorContractSpec[] = [
  {
    connector: connector('http'),
    action: 'request',
    input: { method: 'POST', url: '/things', body: { a: 1 } },
    fake: () => httpFake(() => ({ status: 201, body: { created: true } })),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { bearerToken: 'http-bearer-secret-123' },
    faults: ['unauthorized', 'rateLimited', 'unavailable'],
  },
  {
    connector: connector('slack'),
    action: 'send_message',
    input: { channel: '#ops', text: 'deploy finished' },
    fake: () =>
      httpFake(
        (req) => {
          if (req.url === '/api/chat.postMessage') return { body: { ok: true, channel: 'C123', ts: '1700000000.000100' } };
          if (req.url === '/api/auth.test') return { body: { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'switchbot', team_id: 'T1', user_id: 'U1', bot_id: 'B1' } };
          return { body: { ok: false, error: 'unknown_method' } };
        },
        { malformed: { body: { ok: true } } },
      ),
    config: (fake) => ({ baseUrl: `${fake!.url}/api` }),
    secrets: { botToken: 'xoxb-slack-secret-token-1' },
    connectionTest: true,
  },
  {
    connector: connector('github'),
    action: 'create_issue',
    input: { owner: 'acme', repo: 'app', title: 'Broken build' },
    fake: () =>
      httpFake((req) => (req.method === 'POST' && req.url === '/repos/acme/app/issues' ? { status: 201, body: { id: 1001, number: 7, html_url: 'https://github.com/acme/app/issues/7' } } : { status: 404, body: { message: 'Not Found' } }), {
        malformed: { status: 201, body: { id: 1001 } },
      }),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { token: 'ghp_githubsecrettoken123', webhookSecret: 'gh-webhook-secret' },
  },
  {
    connector: connector('jira'),
    action: 'create_issue',
    input: { projectKey: 'OPS', summary: 'Disk full' },
    fake: () => httpFake((req) => (req.url === '/rest/api/3/issue' ? { status: 201, body: { id: '10001', key: 'OPS-1', self: 'x' } } : { status: 404, body: { errorMessages: ['nope'] } }), { malformed: { status: 201, body: { id: 10001 } } }),
    config: (fake) => ({ baseUrl: fake!.url, email: 'bot@example.com' }),
    secrets: { apiToken: 'jira-api-token-secret-9' },
  },
  {
    connector: connector('stripe'),
    action: 'create_customer',
    input: { email: 'ada@example.com', name: 'Ada' },
    fake: async () =>
      (stripeFake = await httpFake((req) => {
        const form = req.json as Record<string, string>;
        return req.url === '/v1/customers' ? { body: { id: 'cus_123', object: 'customer', email: form.email ?? null, name: form.name ?? null, created: 1700000000 } } : { status: 404, body: { error: { message: 'no' } } };
      }, { malformed: { body: { id: 'not-a-customer', created: 'yesterday' } } })),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { apiKey: 'sk_test_stripe_secret_key_1', webhookSecret: 'whsec_stripe_secret' },
  },
  {
    connector: connector('telegram'),
    action: 'send_message',
    input: { chatId: 42, text: 'hello' },
    fake: () => httpFake((req) => (req.url.endsWith('/sendMessage') ? { body: { ok: true, result: { message_id: 9, chat: { id: 42 }, date: 1700000000 } } } : { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } }), { malformed: { body: { ok: true, result: {} } } }),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { botToken: '123456:ABCdefGhIJKlmNoPQRsTUVwxyZ12345' },
  },
  {
    connector: connector('email'),
    action: 'send_email',
    input: { to: 'ops@example.com', subject: 'Nightly report', text: 'All green.' },
    fake: async () => (smtp = await smtpFake(SMTP_CREDENTIALS)),
    config: () => ({ host: '127.0.0.1', port: smtp!.port, secure: false, from: 'Switchboard <bot@example.com>' }),
    secrets: SMTP_CREDENTIALS,
    faults: ['unauthorized', 'unavailable'],
  },
  {
    connector: connector('postgres'),
    action: 'execute_query',
    input: { sql: 'select $1::int + 1 as n, $2::text as label', params: [41, 'answer'] },
    config: () => {
      const url = new URL(inject('postgresUrl'));
      return { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) };
    },
    secrets: { password: 'pg-secret-password-1' },
    faults: [],
  },
  {
    connector: connector('logging'),
    action: 'log',
    input: { level: 'info', message: 'hello from a step', data: { n: 1 } },
    config: () => ({}),
    secrets: {},
    faults: [],
  },
  {
    connector: connector('openai'),
    action: 'chat',
    input: { prompt: 'Say hi', model: 'gpt-4o-mini' },
    fake: () =>
      httpFake((req) =>
        req.method === 'GET' && req.url === '/v1/models'
          ? { body: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1700000000, owned_by: 'system' }] } }
          : req.method === 'POST' && req.url === '/v1/chat/completions'
          ? {
              body: {
                id: 'chatcmpl-1',
                object: 'chat.completion',
                created: 1700000000,
                model: 'gpt-4o-mini',
                choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
                usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
              },
            }
          : { status: 404, body: { error: { message: 'not found', type: 'invalid_request_error' } } },
      ),
    config: (fake) => ({ baseUrl: `${fake!.url}/v1` }),
    secrets: { apiKey: 'sk-openai-contract-secret-1' },
    faults: ['unauthorized', 'rateLimited', 'unavailable'],
    connectionTest: true,
  },
  {
    connector: connector('anthropic'),
    action: 'chat',
    input: { prompt: 'Say hi', model: 'claude-sonnet-4-5' },
    fake: async () =>
      (anthropicFake = await httpFake((req) =>
        // Anthropic's wire format: a page of models (GET /v1/models), a message (POST /v1/messages).
        req.method === 'GET' && new URL(req.url, 'http://x').pathname === '/v1/models'
          ? {
              body: {
                data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }],
                has_more: false,
                first_id: 'claude-sonnet-4-5-20250929',
                last_id: 'claude-sonnet-4-5-20250929',
              },
            }
          : req.method === 'POST' && req.url === '/v1/messages'
          ? {
              body: {
                id: 'msg_1',
                type: 'message',
                role: 'assistant',
                model: 'claude-sonnet-4-5',
                content: [{ type: 'text', text: 'hi' }],
                stop_reason: 'end_turn',
                stop_sequence: null,
                usage: { input_tokens: 5, output_tokens: 1 },
              },
            }
          : { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'not found' } } },
      )),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { apiKey: 'sk-ant-contract-secret-1' },
    faults: ['unauthorized', 'rateLimited', 'unavailable'],
    connectionTest: true,
  },
  {
    connector: connector('cohere'),
    action: 'chat',
    input: { prompt: 'Say hi', model: 'command-a-03-2025' },
    fake: async () => (cohereChatFake = await httpFake(cohereResponder, { malformed: { body: { finish_reason: 'COMPLETE', message: { role: 'assistant', content: 'hi' } } } })),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { apiKey: 'co-contract-secret-key-1' },
    connectionTest: true,
  },
  {
    connector: connector('cohere'),
    action: 'embed',
    input: { texts: ['alpha', 'beta'], model: 'embed-english-v3.0', inputType: 'query' },
    fake: async () => (cohereEmbedFake = await httpFake(cohereResponder, { malformed: { body: { embeddings: { int8: [[1, 2, 3]] } } } })),
    config: (fake) => ({ baseUrl: fake!.url }),
    secrets: { apiKey: 'co-contract-secret-key-2' },
  },
  {
    connector: connector('twilio'),
    action: 'send_sms',
    input: { to: '+14155550100', body: 'deploy finished' },
    fake: () => httpFake(twilioResponder, { malformed: { status: 201, body: { sid: 42, status: 'queued' } } }),
    config: (fake) => ({ baseUrl: fake!.url, accountSid: TWILIO_ACCOUNT, from: '+14155550199' }),
    secrets: { authToken: 'twilio-auth-token-secret-1' },
    connectionTest: true,
  },
  {
    connector: connector('sendgrid'),
    action: 'send_email',
    input: { to: 'ops@example.com', subject: 'Nightly report', text: 'All green.' },
    fake: () => httpFake(sendgridResponder(), { malformed: { status: 202 } }),
    config: (fake) => ({ baseUrl: fake!.url, from: 'bot@example.com' }),
    secrets: { apiKey: 'SG.sendgrid-contract-secret.key1' },
    connectionTest: true,
  },
  {
    // A real S3-compatible server (moto) behind a proxy that injects S3-format faults.
    connector: connector('s3'),
    action: 'put_object',
    input: { key: 'reports/nightly.txt', content: 'all green', metadata: { run: '7' } },
    fake: () => s3ContractFake('contract-bucket'),
    config: (fake) => ({ accessKeyId: 'AKIACONTRACTKEY00001', endpoint: fake!.url, forcePathStyle: true, bucket: 'contract-bucket' }),
    secrets: { secretAccessKey: 's3-contract-secret-access-key-1' },
    connectionTest: true,
  },
  {
    connector: connector('qdrant'),
    action: 'search_points',
    input: { collection: 'docs', vector: [1, 0, 0], limit: 2, filter: { lang: 'en' } },
    fake: async () => {
      qdrantFake = await startFakeQdrant({ apiKey: 'qdrant-contract-key-1', malformed: { body: { result: { points: [{ id: QDRANT_POINT }] }, status: 'ok', time: 0 } } });
      qdrantFake.state.collections.set('docs', {
        size: 3,
        points: new Map([
          [QDRANT_POINT, { id: QDRANT_POINT, vector: [1, 0, 0], payload: { chunkId: 'chk_1', documentId: 'a', text: 'alpha', metadata: { lang: 'en' } } }],
          ['6f1c7a8e-6b2d-5c3e-9f4a-1b2c3d4e5f60', { id: '6f1c7a8e-6b2d-5c3e-9f4a-1b2c3d4e5f60', vector: [1, 0, 0], payload: { chunkId: 'chk_2', documentId: 'b', text: 'beta', metadata: { lang: 'de' } } }],
        ]),
      });
      return qdrantFake;
    },
    config: (fake) => ({ url: fake!.url }),
    secrets: { apiKey: 'qdrant-contract-key-1' },
    connectionTest: true,
  },
  {
    connector: connector('pinecone'),
    action: 'query_vectors',
    input: { namespace: 'docs', vector: [0, 1, 0], topK: 2, filter: { lang: 'en' } },
    fake: async () => {
      pineconeFake = await startFakePinecone({ dimension: 3, apiKey: 'pcsk_contract_secret_1', malformed: { body: { matches: [{ id: 'a#chk_1' }], namespace: 'docs' } } });
      pineconeFake.state.namespaces.set(
        'docs',
        new Map([
          ['a#chk_1', { id: 'a#chk_1', values: [0, 1, 0], metadata: { lang: 'en', sb_text: 'alpha' } }],
          ['b#chk_2', { id: 'b#chk_2', values: [0, 1, 0], metadata: { lang: 'de', sb_text: 'beta' } }],
        ]),
      );
      return pineconeFake;
    },
    config: (fake) => ({ indexHost: fake!.url }),
    secrets: { apiKey: 'pcsk_contract_secret_1' },
    connectionTest: true,
  },
  // Webhook-only connectors (triggers come from the webhooks feature) and the polling-only
  // feed (test/e2e/poll-trigger.test.ts): schema and registry checks.
  ...(
    [
      ['shopify', { webhookSecret: 'shpss_webhook_secret_1' }],
      ['webhook', { signingSecret: 'whsec_generic_secret_1' }],
      ['feed', {}],
    ] as const
  ).map(([key, secrets]): ConnectorContractSpec => ({ connector: connector(key), config: () => ({}), secrets })),
];

let harness: ContractHarness;
beforeAll(async () => {
  harness = await createContractHarness({ temporalAddress: inject('temporalAddress'), connectors: BUILTIN_CONNECTORS, ssrfAllow: ['127.0.0.1'] });
});
afterAll(async () => {
  await harness?.close();
});

// OAuth2 connectors get their tokens through the consent flow, not pasted secrets: their actions run
// against their fakes in test/e2e/oauth-connections.test.ts, test/e2e/oauth-github-slack.test.ts and test/e2e/sheets-poll.test.ts.
it('covers every built-in connector that takes secrets', () => {
  expect([...new Set(specs.map((s) => s.connector.key))].sort()).toEqual(BUILTIN_CONNECTORS.filter((c) => !c.auth).map((c) => c.key).sort());
  expect(BUILTIN_CONNECTORS.filter((c) => c.auth).map((c) => c.key)).toEqual(['google_sheets', 'github_oauth', 'slack_oauth']);
});

for (const spec of specs) {
  const several = specs.filter((s) => s.connector.key === spec.connector.key).length > 1;
  describe(`contract: ${spec.connector.key}${several ? ` ${spec.action}` : ''}`, () => {
    const contract = connectorContract(spec, () => harness);
    beforeAll(() => contract.setup());
    afterAll(() => contract.teardown());
    for (const check of contract.checks) it(check.name, () => check.run(), 30_000);
  });
}

describe('provider specifics', () => {
  it('qdrant: points/query with the api-key header and a must/match filter on metadata; the filtered point only', () => {
    const query = qdrantFake!.requests().find((r) => r.method === 'POST' && r.url === '/collections/docs/points/query')!;
    expect(query.headers['api-key']).toBe('qdrant-contract-key-1');
    expect(query.json).toEqual({ query: [1, 0, 0], limit: 2, with_payload: true, filter: { must: [{ key: 'metadata.lang', match: { value: 'en' } }] } });
    expect(qdrantFake!.requests().some((r) => r.method === 'GET' && r.url === '/collections')).toBe(true);
  });

  it('pinecone: /query with Api-Key, X-Pinecone-API-Version and a $eq filter; describe_index_stats as the connection test', () => {
    const query = pineconeFake!.requests().find((r) => r.method === 'POST' && r.url === '/query')!;
    expect(query.headers['api-key']).toBe('pcsk_contract_secret_1');
    expect(query.headers['x-pinecone-api-version']).toBe('2025-04');
    expect(query.json).toEqual({ vector: [0, 1, 0], topK: 2, includeMetadata: true, includeValues: false, namespace: 'docs', filter: { lang: { $eq: 'en' } } });
    expect(pineconeFake!.requests().some((r) => r.method === 'POST' && r.url === '/describe_index_stats')).toBe(true);
  });

  it('email: the message reached the local SMTP server, authenticated, with the step key as Message-ID', () => {
    const delivered = smtp!.messages.find((m) => m.raw.includes('Subject: Nightly report'));
    expect(delivered).toBeDefined();
    expect(delivered!.to).toEqual(['ops@example.com']);
    expect(delivered!.from).toBe('bot@example.com');
    expect(delivered!.user).toBe('mailer');
    expect(delivered!.raw).toMatch(/Message-ID: <contract.*@switchboard>/i);
    expect(delivered!.raw).toContain('All green.');
  });

  it('stripe: every attempt of one step sends the same Idempotency-Key', () => {
    const posts = stripeFake!.requests().filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const r of posts) expect(r.headers['idempotency-key']).toMatch(/^contract:conn_.+:create_customer:.+:\d+$/);
    // The 429 check: the retry carried the key of the first attempt.
    const keys = posts.map((r) => r.headers['idempotency-key']);
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(repeated.length).toBeGreaterThanOrEqual(1);
    expect(posts[0]!.body).toContain('email=ada%40example.com');
  });

  it('twilio: a retried send_sms posts the same form, Basic auth (current token) and I-Twilio-Idempotency-Token', async () => {
    let failuresLeft = 1;
    const fake = await httpFake((req) => {
      if (req.method === 'POST' && failuresLeft > 0) {
        failuresLeft--;
        return { status: 500, body: { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 } };
      }
      return twilioResponder(req);
    });
    try {
      // A rotation list: API calls authenticate with the first (current) token.
      const id = await harness.createConnection('twilio', { baseUrl: fake.url, accountSid: TWILIO_ACCOUNT }, { authToken: ['twilio-current-token-1', 'twilio-previous-token-0'] });
      const input = { to: '+14155550100', body: 'Build #7 failed & was rolled back', from: '+14155550199', mediaUrl: ['https://example.com/a.png', 'https://example.com/b.png'] };
      const r = await harness.runAction(id, 'send_sms', input);
      expect(r).toMatchObject({ ok: true, output: { status: 'queued', to: '+14155550100', from: '+14155550199' } });
      expect((r as { output: { sid: string } }).output.sid).toMatch(/^SM[0-9a-f]{32}$/);

      const posts = fake.requests();
      expect(posts.map((p) => p.method)).toEqual(['POST', 'POST']); // 500, then the retry's 201
      const basic = `Basic ${Buffer.from(`${TWILIO_ACCOUNT}:twilio-current-token-1`).toString('base64')}`;
      for (const p of posts) {
        expect(p.url).toBe(`/2010-04-01/Accounts/${TWILIO_ACCOUNT}/Messages.json`);
        expect(p.headers['content-type']).toBe('application/x-www-form-urlencoded');
        expect(p.headers.authorization).toBe(basic);
        const form = new URLSearchParams(p.body);
        expect([...form.keys()].sort()).toEqual(['Body', 'From', 'MediaUrl', 'MediaUrl', 'To']);
        expect(Object.fromEntries(form)).toMatchObject({ To: input.to, From: input.from, Body: input.body });
        expect(form.getAll('MediaUrl')).toEqual(input.mediaUrl);
      }
      const tokens = posts.map((p) => p.headers['i-twilio-idempotency-token']);
      expect(tokens[0]).toMatch(new RegExp(`^${r.workflowId}:`));
      expect(tokens[1]).toBe(tokens[0]);
    } finally {
      await fake.close();
    }
  });

  it("twilio: Twilio's error message is surfaced, with its code, as a non-retried INVALID_INPUT", async () => {
    const fake = await httpFake(() => ({ status: 400, body: { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } }));
    try {
      const id = await harness.createConnection('twilio', { baseUrl: fake.url, accountSid: TWILIO_ACCOUNT, from: '+14155550199' }, { authToken: 'twilio-auth-token-secret-2' });
      const r = await harness.runAction(id, 'send_sms', { to: '+15005550001', body: 'hi' });
      expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', nonRetryable: true });
      expect((r as { message: string }).message).toContain("The 'To' number +15005550001 is not a valid phone number. (Twilio error 21211, https://www.twilio.com/docs/errors/21211)");
      expect(fake.requests()).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it('twilio: without config.accountSid send_sms fails with CONFIG_INVALID; the connection test calls nothing (ok: null, saying why)', async () => {
    const id = await harness.createConnection('twilio', { from: '+14155550199' }, { authToken: 'twilio-auth-token-secret-3' });
    const r = await harness.runAction(id, 'send_sms', { to: '+14155550100', body: 'hi' });
    expect(r).toMatchObject({ ok: false, code: 'CONFIG_INVALID', nonRetryable: true });
    expect((r as { message: string }).message).toContain('accountSid');
    expect(await harness.testConnection(id)).toEqual({ ok: null, message: 'signature secret set; no outbound call to test (the API needs config.accountSid)' });
  });

  it('anthropic: the connection test lists one model with the API key and an anthropic-version header', () => {
    const calls = anthropicFake!.requests().filter((r) => r.method === 'GET');
    expect(calls.length).toBe(2); // the passing test and the 401 one
    for (const r of calls) {
      expect(r.url).toBe('/v1/models?limit=1');
      // @anthropic-ai/sdk 1.x authenticates with a bearer header (Anthropic accepts it and x-api-key).
      expect(r.headers.authorization).toBe('Bearer sk-ant-contract-secret-1');
      expect(r.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('cohere: v2 chat and embed bodies, Bearer auth, and the key check on POST /v1/check-api-key', () => {
    const chat = cohereChatFake!.requests().find((r) => r.url === '/v2/chat')!;
    expect(chat.headers['authorization']).toBe('Bearer co-contract-secret-key-1');
    expect(chat.json).toEqual({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'Say hi' }], stream: false });
    expect(cohereChatFake!.requests().some((r) => r.method === 'POST' && r.url === '/v1/check-api-key')).toBe(true);
    const embed = cohereEmbedFake!.requests().find((r) => r.url === '/v2/embed')!;
    expect(embed.json).toEqual({ model: 'embed-english-v3.0', texts: ['alpha', 'beta'], input_type: 'search_query', embedding_types: ['float'] });
  });
});
