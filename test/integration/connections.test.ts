/**
 * Acceptance of connections on SQLite and PostgreSQL: secrets never appear in the
 * database, API responses or logs; actions authenticate after a restart with the
 * same master key; a different key gives a clear decryption error and overwrites
 * nothing; `keys rotate` re-encrypts under a new key; retries honour Retry-After.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackPayload } from '../../connectors/sdk/index.ts';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { DIALECTS, type TestDatabase } from '../support/db.ts';
import { startTestStack, TEST_MASTER_KEY, type TestStack } from '../support/stack.ts';

const BOT_TOKEN = 'xoxb-acceptance-bot-token-7f3a';
const SIGNING_SECRET = 'slack-signing-secret-91bc';
const WRONG_TOKEN = 'xoxb-wrong-unsaved-token-5d2e';
const ANTHROPIC_KEY = 'sk-ant-acceptance-key-31f0';
const HOOK_PATH = '/services/T0ACME/B0OPS/hooksecret8c1d4e';
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
const NEW_KEY = Buffer.alloc(32, 11).toString('base64');

describe.each(DIALECTS)('connections on %s', (dialect) => {
  let fake: HttpFake;
  let stack: TestStack;
  let db: TestDatabase;
  let id = '';
  const logs: string[] = [];
  const responses: string[] = [];

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  async function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any }> {
    const res = await stack.api(path, init);
    const text = await res.text();
    responses.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function dbText(): Promise<string> {
    if (db.database.kind === 'sqlite') {
      const dir = dirname(db.database.path);
      const files = await readdir(dir);
      return (await Promise.all(files.map((f) => readFile(join(dir, f))))).map((b) => b.toString('latin1')).join('\n');
    }
    return JSON.stringify(await db.query('select row_to_json(c)::text as row from connections c'));
  }
  const envelope = async () => (await db.query(`select secrets from connections where id = '${id}'`))[0]?.['secrets'] as string;
  const restart = async (masterKey: string) => {
    await stack.close();
    stack = await startTestStack({ dialect, database: db, masterKey, logSink: logs, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  };

  beforeAll(async () => {
    fake = await httpFake((req) => {
      if (req.url === '/api/chat.postMessage') return { body: { ok: true, channel: 'C42', ts: '1700000000.1' } };
      // Slack answers a bad token with HTTP 200 and { ok: false, error: 'invalid_auth' }.
      if (req.url === '/api/auth.test') return req.headers.authorization === `Bearer ${BOT_TOKEN}` ? { body: { ok: true, user: 'switchbot', team: 'Acme' } } : { body: { ok: false, error: 'invalid_auth' } };
      // Slack incoming webhooks: POST JSON with a text, answered with the plain text "ok"
      // (errors are 4xx with a text reason); the channel is the one the webhook was made for.
      if (req.url === HOOK_PATH || req.url === '/services/T0ACME/B0OLD/archived') {
        if (req.url !== HOOK_PATH) return { status: 410, body: 'channel_is_archived' };
        if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) return { status: 400, body: 'invalid_payload' };
        return typeof (req.json as { text?: unknown } | undefined)?.text === 'string' ? { body: 'ok' } : { status: 400, body: 'no_text' };
      }
      // Anthropic's models list and its 401 body.
      if (req.method === 'GET' && req.url.startsWith('/v1/models')) {
        return req.headers.authorization === `Bearer ${ANTHROPIC_KEY}` || req.headers['x-api-key'] === ANTHROPIC_KEY
          ? { body: { data: [{ type: 'model', id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' }], has_more: false, first_id: 'claude-opus-4-1-20250805', last_id: 'claude-opus-4-1-20250805' } }
          : { status: 401, headers: { 'request-id': 'req_fake1' }, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: 'req_fake1' } };
      }
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    });
    stack = await startTestStack({ dialect, keepDatabase: true, logSink: logs, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    db = stack.db;
  });
  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await fake?.close();
  });

  it('lists connectors with actions, triggers and JSON Schemas', async () => {
    const res = await call('/api/v1/connectors');
    expect(res.status).toBe(200);
    const keys = res.body.items.map((c: { key: string }) => c.key);
    expect(keys).toEqual(['anthropic', 'cohere', 'email', 'feed', 'github', 'github_oauth', 'google_sheets', 'http', 'jira', 'logging', 'openai', 'pinecone', 'postgres', 'qdrant', 's3', 'sendgrid', 'shopify', 'slack', 'slack_oauth', 'stripe', 'telegram', 'twilio', 'webhook']);
    const stripe = (await call('/api/v1/connectors/stripe')).body;
    expect(stripe.secretsSchema).toMatchObject({ type: 'object', properties: { apiKey: { type: 'string' } } });
    expect(stripe.actions[0]).toMatchObject({ key: 'create_customer', idempotent: true, outputSchema: { type: 'object' } });
    expect((await call('/api/v1/connectors/nope')).status).toBe(404);
  });

  it('creates a connection: 201 with the secret field names, never their values', async () => {
    const created = await call('/api/v1/connections', {
      method: 'POST',
      json: { connector: 'slack', name: 'ops workspace', config: { baseUrl: `${fake.url}/api` }, secrets: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ connector: 'slack', name: 'ops workspace', secretFields: ['botToken', 'signingSecret'] });
    id = created.body.id;
    expect((await call(`/api/v1/connections/${id}`)).body.secretFields).toEqual(['botToken', 'signingSecret']);
    expect((await call('/api/v1/connections?connector=slack')).body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(await envelope()).toMatch(/^v1\./);
  });

  it('rejects invalid config, secrets and input with 400 and field paths', async () => {
    const bad = await call('/api/v1/connections', { method: 'POST', json: { connector: 'jira', name: 'j', config: { email: 'nope' }, secrets: {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['config.baseUrl', 'config.email']));
    // apiToken is optional (webhook-only Jira connections), but not empty.
    const badSecrets = await call('/api/v1/connections', { method: 'POST', json: { connector: 'jira', name: 'j', config: { baseUrl: 'https://x.atlassian.net', email: 'a@b.co' }, secrets: { apiToken: '' } } });
    expect(badSecrets.body.error.details.map((d: { path: string }) => d.path)).toEqual(['secrets.apiToken']);
    expect((await call('/api/v1/connections', { method: 'POST', json: { connector: 'nope', name: 'n' } })).status).toBe(400);
    const badInput = await call(`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: 5, text: 5 } } });
    expect(badInput.status).toBe(400);
    expect(badInput.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['input.channel', 'input.text']));
    const unknown = await call(`/api/v1/connections/${id}/actions/launch_rockets`, { method: 'POST', json: { input: {} } });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });

  describe('POST /connections/test on unsaved credentials', () => {
    const rowCount = async () => Number((await db.query('select count(*) as n from connections'))[0]!['n']);
    const testUnsaved = (json: unknown) => call('/api/v1/connections/test', { method: 'POST', json });
    const slack = (secrets: Record<string, unknown>) => ({ connector: 'slack', config: { baseUrl: `${fake.url}/api` }, secrets });

    it('runs the connector test with the given token and stores nothing', async () => {
      const rows = await rowCount();
      const before = fake.requests().length;
      const res = await testUnsaved(slack({ botToken: BOT_TOKEN }));
      expect(res).toEqual({ status: 200, body: { ok: true, message: 'authenticated as switchbot in Acme' } });
      const sent = fake.requests().slice(before);
      expect(sent.map((r) => r.url)).toEqual(['/api/auth.test']);
      expect(sent[0]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
      expect(await rowCount()).toBe(rows);
      expect(rows).toBe(1);
    });

    it('answers ok: false for a wrong token, the token absent from the message', async () => {
      const rejected = await testUnsaved(slack({ botToken: WRONG_TOKEN }));
      expect(rejected.status).toBe(200);
      expect(rejected.body).toEqual({ ok: false, message: 'AUTH_FAILED: Slack auth.test failed: invalid_auth' });
      // A provider that echoes the credential back in its 401 body: scrubbed by value.
      fake.inject('unauthorized');
      const echoed = await testUnsaved(slack({ botToken: WRONG_TOKEN }));
      expect(echoed.status).toBe(200);
      expect(echoed.body.ok).toBe(false);
      expect(echoed.body.message).toMatch(/^AUTH_FAILED: /);
      expect(echoed.body.message).toContain('authorization=Bearer [redacted]');
      expect(JSON.stringify(echoed.body)).not.toContain(WRONG_TOKEN);
      expect(await rowCount()).toBe(1);
    });

    it('checks an Anthropic API key with GET /v1/models: accepted, or ok: false on a 401', async () => {
      const anthropic = (apiKey: string) => ({ connector: 'anthropic', config: { baseUrl: fake.url }, secrets: { apiKey } });
      const accepted = await testUnsaved(anthropic(ANTHROPIC_KEY));
      expect(accepted).toEqual({ status: 200, body: { ok: true, message: 'API key accepted (models include claude-opus-4-1-20250805)' } });
      expect(fake.requests().at(-1)!.url).toBe('/v1/models?limit=1');
      const rejected = await testUnsaved(anthropic('sk-ant-wrong-key-8812'));
      expect(rejected).toEqual({ status: 200, body: { ok: false, message: 'Anthropic rejected the API key (401 authentication_error: invalid x-api-key)' } });
      expect(fake.requests().at(-1)!.headers.authorization).toBe('Bearer sk-ant-wrong-key-8812');
      expect(await rowCount()).toBe(1);
    });

    it('rejects invalid config and secrets, and unknown connectors, with 400 and field paths', async () => {
      const before = fake.requests().length;
      const badConfig = await testUnsaved({ connector: 'slack', config: { baseUrl: 'not a url' }, secrets: { botToken: BOT_TOKEN } });
      expect(badConfig.status).toBe(400);
      expect(badConfig.body.error.code).toBe('INVALID_INPUT');
      expect(badConfig.body.error.details.map((d: { path: string }) => d.path)).toEqual(['config.baseUrl']);
      const badSecrets = await testUnsaved(slack({ botToken: 42, incomingWebhookUrl: 'nope' }));
      expect(badSecrets.status).toBe(400);
      expect(badSecrets.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['secrets.botToken', 'secrets.incomingWebhookUrl']);
      const unknown = await testUnsaved({ connector: 'nope', secrets: { token: WRONG_TOKEN } });
      expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', details: [{ path: 'body.connector' }] } } });
      expect((await testUnsaved({ secrets: {} })).body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.connector']);
      expect(fake.requests().length).toBe(before);
      expect(await rowCount()).toBe(1);
    });

    it('answers ok: null with the reason when there is nothing to call, without a call', async () => {
      const before = fake.requests().length;
      const res = await testUnsaved({ connector: 'http', config: {}, secrets: { bearerToken: WRONG_TOKEN } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: null, message: 'no baseUrl: each step names its own URL, so there is no endpoint to test' });
      const hook = await testUnsaved({ connector: 'webhook', secrets: { signingSecret: 'whsec_only_for_signatures' } });
      expect(hook.body).toEqual({ ok: null, message: 'signature secret set; no outbound call to test' });
      expect(fake.requests().length).toBe(before);
      expect(await rowCount()).toBe(1);
    });
  });

  it('runs an action as a one-step workflow with the decrypted token', async () => {
    const before = fake.requests().length;
    const res = await call(`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: '#ops', text: 'hi' } } });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({ channel: 'C42', ts: '1700000000.1' });
    expect(res.body.workflowId).toMatch(new RegExp(`^action:${id}:send_message:`));
    const sent = fake.requests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect((await call(`/api/v1/connections/${id}/test`, { method: 'POST' })).body).toEqual({ ok: true, message: 'authenticated as switchbot in Acme' });
  });

  it('answers AUTH_FAILED after exactly one attempt on a 401, without the token in the message', async () => {
    const before = fake.requests().length;
    fake.inject('unauthorized');
    const res = await call(`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: '#ops', text: 'hi' } } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('AUTH_FAILED');
    expect(res.body.error.message).toContain('[redacted]');
    expect(fake.requests().length - before).toBe(1);
  });

  it('retries a 429 after Retry-After: 2 and succeeds on the second attempt', async () => {
    const before = fake.requests().length;
    fake.inject('rateLimited');
    const res = await call(`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: '#ops', text: 'later' } } });
    expect(res.status).toBe(200);
    const attempts = fake.requests().slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('patches name and secrets (null removes a field)', async () => {
    const res = await call(`/api/v1/connections/${id}`, { method: 'PATCH', json: { name: 'ops', secrets: { signingSecret: null } } });
    expect(res.body).toMatchObject({ name: 'ops', secretFields: ['botToken'] });
  });

  it('still authenticates after a restart with the same master key', async () => {
    await restart(TEST_MASTER_KEY);
    const before = fake.requests().length;
    const res = await call(`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: '#ops', text: 'after restart' } } });
    expect(res.status).toBe(200);
    expect(fake.requests()[before]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('with a different master key reports a clear decryption error and overwrites nothing', async () => {
    const stored = await envelope();
    await restart(OTHER_KEY);
    const before = fake.requests().length;
    for (const [path, init] of [
      [`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: '#ops', text: 'x' } } }],
      [`/api/v1/connections/${id}/test`, { method: 'POST' }],
      [`/api/v1/connections/${id}`, { method: 'PATCH', json: { secrets: { botToken: 'xoxb-overwrite-attempt' } } }],
    ] as const) {
      const res = await call(path, init);
      expect(res.status, path).toBe(503);
      expect(['DECRYPTION_FAILED', 'MASTER_KEY_MISMATCH']).toContain(res.body.error.code);
      expect(res.body.error.message).toMatch(/SWITCHBOARD_MASTER_KEY/);
    }
    // A signed delivery is not lost either: 503 + Retry-After asks the provider to redeliver,
    // and the key details stay in the operator's log.
    const event = JSON.stringify({ type: 'event_callback', event_id: 'Ev-decrypt', event: { type: 'message', text: 'hi' } });
    const ts = Math.floor(Date.now() / 1000);
    const delivery = await fetch(`${stack.baseUrl}/webhooks/slack/${id}`, {
      method: 'POST',
      body: event,
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackPayload(event, SIGNING_SECRET, ts) },
    });
    expect(delivery.status).toBe(503);
    expect(delivery.headers.get('retry-after')).toBe('5');
    const answer = await delivery.text();
    expect(JSON.parse(answer)).toMatchObject({ error: { code: 'CONNECTION_UNAVAILABLE' } });
    expect(answer).not.toMatch(/master key|SWITCHBOARD_MASTER_KEY/i);
    expect(fake.requests().length).toBe(before);
    expect(await envelope()).toBe(stored);
    expect((await call(`/api/v1/connections/${id}`)).body.secretFields).toEqual(['botToken']);
  });

  it('`switchboard keys rotate` re-encrypts under a new key while the old one still decrypts', async () => {
    const old = await envelope();
    const url = db.database.kind === 'sqlite' ? `sqlite:${db.database.path}` : db.database.url;
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/switchboard.mjs', 'keys', 'rotate'], {
      env: { PATH: process.env['PATH'], DATABASE_URL: url, SWITCHBOARD_MASTER_KEY: `${NEW_KEY},${TEST_MASTER_KEY}`, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toMatch(/connections: 1 re-encrypted/);
    const rotated = await envelope();
    expect(rotated.split('.')[1]).not.toBe(old.split('.')[1]);
    await restart(NEW_KEY);
    const res = await call(`/api/v1/connections/${id}/actions/send_message`, { method: 'POST', json: { input: { channel: '#ops', text: 'new key' } } });
    expect(res.status).toBe(200);
    expect(fake.requests().at(-1)!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  describe('send_message without a botToken', () => {
    const createSlack = async (secrets: Record<string, unknown>) => {
      const res = await call('/api/v1/connections', { method: 'POST', json: { connector: 'slack', name: 'hook only', config: { baseUrl: `${fake.url}/api` }, secrets } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const send = (connectionId: string, input: unknown) => call(`/api/v1/connections/${connectionId}/actions/send_message`, { method: 'POST', json: { input } });

    it('posts through the incoming webhook: Slack JSON, no channel, no bot token', async () => {
      const hookOnly = await createSlack({ incomingWebhookUrl: `${fake.url}${HOOK_PATH}` });
      const before = fake.requests().length;
      const res = await send(hookOnly, { channel: '#elsewhere', text: 'deployed v2', threadTs: '1700000000.1', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*v2*' } }] });
      expect(res.status).toBe(200);
      expect(res.body.output).toEqual({ delivered: true, via: 'incoming_webhook' });
      const sent = fake.requests().slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ method: 'POST', url: HOOK_PATH });
      expect(sent[0]!.headers['content-type']).toMatch(/^application\/json/);
      expect(sent[0]!.headers.authorization).toBeUndefined();
      expect(sent[0]!.json).toEqual({ text: 'deployed v2', thread_ts: '1700000000.1', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*v2*' } }] });
      // The channel is optional here.
      expect((await send(hookOnly, { text: 'no channel given' })).body.output).toEqual({ delivered: true, via: 'incoming_webhook' });
      expect(fake.requests().at(-1)!.json).toEqual({ text: 'no channel given' });
    });

    it("maps Slack's webhook errors to codes without the webhook URL in the message", async () => {
      const archived = `${fake.url}/services/T0ACME/B0OLD/archived`;
      const res = await send(await createSlack({ incomingWebhookUrl: archived }), { text: 'hello?' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(res.body.error.message).toContain('channel_is_archived');
      expect(res.body.error.message).not.toContain('/services/');
    });

    it('without botToken or incomingWebhookUrl fails with CONFIG_INVALID naming both, calling nothing', async () => {
      const before = fake.requests().length;
      const res = await send(await createSlack({ signingSecret: SIGNING_SECRET }), { channel: '#ops', text: 'hi' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('CONFIG_INVALID');
      expect(res.body.error.message).toMatch(/botToken/);
      expect(res.body.error.message).toMatch(/incomingWebhookUrl/);
      expect(fake.requests().length).toBe(before);
    });

    it('with a botToken still needs a channel (INVALID_INPUT), calling nothing', async () => {
      const before = fake.requests().length;
      const res = await send(await createSlack({ botToken: BOT_TOKEN, incomingWebhookUrl: `${fake.url}${HOOK_PATH}` }), { text: 'hi' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      expect(res.body.error.message).toMatch(/input\.channel is required/);
      expect(fake.requests().length).toBe(before);
    });
  });

  it('keeps every secret value out of the database, API responses and logs', async () => {
    const stored = await dbText();
    expect(stored).toContain(id);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, WRONG_TOKEN, ANTHROPIC_KEY, 'sk-ant-wrong-key-8812', HOOK_PATH]) {
      expect(stored).not.toContain(secret);
      expect(responses.join('\n')).not.toContain(secret);
      expect(logs.join('\n')).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(0);
  });

  it('deletes a connection', async () => {
    expect((await call(`/api/v1/connections/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/v1/connections/${id}`)).status).toBe(404);
  });
});
