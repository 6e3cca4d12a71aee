/**
 * Identity and least privilege: API keys carry a principal and scopes, every
 * `/api/v1` route and `/mcp` tool checks its scope, only `admin` manages keys, keys
 * from before scopes get a stated default, and the console signs in to a
 * server-side session cookie with CSRF protection.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_V1_MODULES } from '../../src/app.ts';
import { loadConfig, withConfig } from '../../src/config.ts';
import { migrator, openOrm } from '../../src/db/orm.ts';
import { generateApiKey } from '../../src/security/api-keys.ts';
import { LEGACY_KEY_SCOPES, SCOPES } from '../../src/security/scopes.ts';
import { createTestDatabase, DIALECTS } from '../support/db.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

async function mintKey(stack: TestStack, principal: string, scopes: string[]): Promise<string> {
  const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: `${principal} key`, principal, scopes } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

function as(stack: TestStack, key: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) =>
    stack.api(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } });
}

describe.each(DIALECTS)('identity and scopes on %s', (dialect) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dialect, worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('mints keys with a principal and scopes; a key without a scope gets 403 naming it', async () => {
    const created = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'reader key', principal: 'carol', scopes: ['connections:read'] } });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { key: string; principal: string; scopes: string[] };
    expect(body).toMatchObject({ principal: 'carol', scopes: ['connections:read'] });
    const carol = as(stack, body.key);

    expect((await carol('/api/v1/connections')).status).toBe(200);
    const write = await carol('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'x', config: {} } });
    expect(write.status).toBe(403);
    const err = (await write.json()) as ErrorBody;
    expect(err.error.code).toBe('FORBIDDEN');
    expect(err.error.message).toContain('connections:write');
    const runs = await carol('/api/v1/runs');
    expect(runs.status).toBe(403);
    expect(((await runs.json()) as ErrorBody).error.message).toContain('runs:read');
    const automations = await carol('/api/v1/automations', { method: 'POST', json: {} });
    expect(((await automations.json()) as ErrorBody).error.message).toContain('automations:write');
  });

  it('lets only admin keys mint, list and revoke keys', async () => {
    const everythingButAdmin = SCOPES.filter((s) => s !== 'admin');
    const powerful = as(stack, await mintKey(stack, 'dave', everythingButAdmin));
    const mint = await powerful('/api/v1/api-keys', { method: 'POST', json: { name: 'escalate', principal: 'dave', scopes: ['admin'] } });
    expect(mint.status).toBe(403);
    expect(((await mint.json()) as ErrorBody).error.message).toContain('"admin"');
    expect((await powerful('/api/v1/api-keys')).status).toBe(403);
    const list = (await (await stack.api('/api/v1/api-keys')).json()) as { items: { id: string; principal: string }[] };
    const someId = list.items[0]!.id;
    expect((await powerful(`/api/v1/api-keys/${someId}`, { method: 'DELETE' })).status).toBe(403);

    const admin = as(stack, await mintKey(stack, 'erin', ['admin']));
    expect((await admin('/api/v1/api-keys')).status).toBe(200);
    expect((await admin('/api/v1/runs/nope/cancel', { method: 'POST' })).status).not.toBe(403);
  });

  it('refuses a revoked key on its next request, although its principal was just read (and cached)', async () => {
    const key = await mintKey(stack, 'rita', ['runs:read']);
    const rita = as(stack, key);
    expect((await rita('/api/v1/runs')).status).toBe(200);
    expect((await rita('/api/v1/runs')).status).toBe(200);
    const list = (await (await stack.api('/api/v1/api-keys')).json()) as { items: { id: string; principal: string }[] };
    const id = list.items.find((k) => k.principal === 'rita')!.id;
    expect((await stack.api(`/api/v1/api-keys/${id}`, { method: 'DELETE' })).status).toBe(204);
    const after = await rita('/api/v1/runs');
    expect(after.status).toBe(401);
  });

  it('attributes a run started with a key to its principal', async () => {
    const created = await stack.api('/api/v1/automations', { method: 'POST', json: { name: 'attributed', trigger: { type: 'manual' }, steps: [{ id: 't', type: 'transform', output: 1 }] } });
    const { id } = (await created.json()) as { id: string };
    const starter = as(stack, await mintKey(stack, 'kim', ['runs:write']));
    const started = await starter(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const handle = stack.services.temporal.client.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(JSON.parse(Buffer.from(payload.data!).toString())).toMatchObject({ trigger: { type: 'manual', principal: 'kim' } });
    await handle.terminate('test done');
  });

  it('refuses unknown scopes and an empty scope list', async () => {
    const bad = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'n', principal: 'p', scopes: ['runs:read', 'root'] } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const none = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'n', principal: 'p', scopes: [] } });
    expect(none.status).toBe(400);
    const missing = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'n' } });
    expect(missing.status).toBe(400);
  });

  it('declares a scope on every /api/v1 route and documents it with a 403 in OpenAPI', async () => {
    for (const module of API_V1_MODULES) {
      for (const def of module(stack.services) as { method: string; path: string; scope?: string }[]) {
        expect(def.scope, `${def.method.toUpperCase()} ${def.path} declares its scope`).toBeDefined();
      }
    }
    const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown>; 'x-required-scope'?: string }>>;
    };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/') || path === '/api/v1/session') continue;
      for (const [method, op] of Object.entries(ops)) {
        expect(op['x-required-scope'], `${method} ${path}`).toBeDefined();
        expect(op.responses['403'], `${method} ${path}`).toBeDefined();
        expect(op.description).toContain(`Requires scope \`${op['x-required-scope']}\``);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(doc.paths['/api/v1/connections']!['post']!['x-required-scope']).toBe('connections:write');
    expect((doc.paths['/api/v1/connections']!['post'] as unknown as { security: object[] }).security).toContainEqual({ sessionCookie: [] });
    expect(doc.paths['/api/v1/api-keys']!['post']!['x-required-scope']).toBe('admin');
  });

  it('checks the scope of every /mcp tool', async () => {
    const client = new Client({ name: 'scoped-agent', version: '1.0.0' });
    const key = await mintKey(stack, 'agent', ['automations:read']);
    await client.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    try {
      const allowed = await client.callTool({ name: 'list_automations', arguments: {} });
      expect(allowed.isError ?? false).toBe(false);
      const refused = await client.callTool({ name: 'start_automation_run', arguments: { automationId: 'auto_x' } });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain('runs:write');
      const rag = await client.callTool({ name: 'list_rag_indexes', arguments: {} });
      expect(rag.isError).toBe(true);
      expect(JSON.stringify(rag.content)).toContain('connections:read');
    } finally {
      await client.close();
    }
  });

  describe('console session', () => {
    const signIn = (apiKey: string) => fetch(`${stack.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey }) });
    const cookieOf = (res: Response) => /^sb_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    const withCookie = (cookie: string, path: string, init: RequestInit = {}) =>
      fetch(`${stack.baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: `theme=dark; sb_session=${cookie}` } });

    it('signs in with a key: HttpOnly SameSite=Strict cookie, principal, scopes and a CSRF token; a wrong key gets 401', async () => {
      const wrong = await signIn('sb_abcdefgh_wrongwrongwrongwrongwrongwrongwr');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      expect((await signIn(TEST_API_KEY + 'x')).status).toBe(401);

      const key = await mintKey(stack, 'frank', ['connections:read', 'connections:write']);
      const res = await signIn(key);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { principal: string; scopes: string[]; csrfToken: string };
      expect(body).toEqual({ principal: 'frank', scopes: ['connections:read', 'connections:write'], csrfToken: expect.any(String) });
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^sb_session=[\w-]{40,};/);
      expect(setCookie).toMatch(/; HttpOnly/i);
      expect(setCookie).toMatch(/; SameSite=Strict/i);
      expect(setCookie).toMatch(/; Path=\//);
      expect(setCookie).not.toMatch(/; Secure/i);
      expect(setCookie).not.toContain(key);
      // Only a hash of the token is stored.
      const cookie = cookieOf(res)!;
      expect(JSON.stringify(await stack.db.query('select * from console_sessions'))).not.toContain(cookie);

      const me = await withCookie(cookie, '/api/v1/session');
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual(body);
      const byKey = await fetch(`${stack.baseUrl}/api/v1/session`, { headers: { authorization: `Bearer ${key}` } });
      expect(await byKey.json()).toEqual({ principal: 'frank', scopes: ['connections:read', 'connections:write'], csrfToken: null });
      expect((await fetch(`${stack.baseUrl}/api/v1/session`)).status).toBe(401);
      expect((await withCookie('x'.repeat(43), '/api/v1/session')).status).toBe(401);
    });

    it('the bootstrap key is admin with a configurable principal', async () => {
      expect(loadConfig({}).apiKeyPrincipal).toBe('bootstrap');
      expect(loadConfig({ SWITCHBOARD_API_KEY_PRINCIPAL: 'root' }).apiKeyPrincipal).toBe('root');
      const original = stack.services.config;
      stack.services.config = withConfig(original, { apiKeyPrincipal: 'root' });
      try {
        expect(await (await signIn(TEST_API_KEY)).json()).toMatchObject({ principal: 'root', scopes: ['admin'] });
      } finally {
        stack.services.config = original;
      }
    });

    it('accepts the cookie on /api/v1 with scopes enforced; state changes need X-CSRF-Token', async () => {
      const key = await mintKey(stack, 'gina', ['connections:read', 'connections:write']);
      const res = await signIn(key);
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const cookie = cookieOf(res)!;
      expect((await withCookie(cookie, '/api/v1/connections')).status).toBe(200);
      expect((await withCookie(cookie, '/api/v1/runs')).status).toBe(403);

      const json = { 'content-type': 'application/json' };
      const conn = JSON.stringify({ connector: 'http', name: 'via session', config: { baseUrl: 'https://api.example.com' } });
      const noCsrf = await withCookie(cookie, '/api/v1/connections', { method: 'POST', headers: json, body: conn });
      expect(noCsrf.status).toBe(403);
      expect(await noCsrf.json()).toMatchObject({ error: { code: 'CSRF_FAILED' } });
      const badCsrf = await withCookie(cookie, '/api/v1/connections', { method: 'POST', headers: { ...json, 'x-csrf-token': 'nope' }, body: conn });
      expect(badCsrf.status).toBe(403);
      const ok = await withCookie(cookie, '/api/v1/connections', { method: 'POST', headers: { ...json, 'x-csrf-token': csrfToken }, body: conn });
      expect(ok.status).toBe(201);
    });

    it('ends sessions on sign-out and when the key is revoked; Secure on an https public URL', async () => {
      const created = (await (await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'h', principal: 'hank', scopes: ['runs:read'] } })).json()) as { key: string; id: string };
      const first = await signIn(created.key);
      const firstCookie = cookieOf(first)!;
      const { csrfToken } = (await first.json()) as { csrfToken: string };
      const second = cookieOf(await signIn(created.key))!;

      const noCsrf = await withCookie(firstCookie, '/api/v1/session', { method: 'DELETE' });
      expect(noCsrf.status).toBe(403);
      const out = await withCookie(firstCookie, '/api/v1/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken } });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^sb_session=;.*Expires=Thu, 01 Jan 1970/);
      expect((await withCookie(firstCookie, '/api/v1/session')).status).toBe(401);
      expect((await withCookie(second, '/api/v1/session')).status).toBe(200);

      expect((await stack.api(`/api/v1/api-keys/${created.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await withCookie(second, '/api/v1/session')).status).toBe(401);
      expect((await withCookie(second, '/api/v1/runs')).status).toBe(401);

      const original = stack.services.config;
      stack.services.config = withConfig(original, { publicUrl: 'https://switchboard.example.com' });
      try {
        expect((await signIn(TEST_API_KEY)).headers.get('set-cookie')).toMatch(/; Secure/i);
      } finally {
        stack.services.config = original;
      }
    });
  });
});

describe.each(DIALECTS)('the identity migration on %s', (dialect) => {
  it('gives keys from before scopes their name as principal and every scope but admin and approvals:act-as', async () => {
    const db = await createTestDatabase(dialect);
    const orm = await openOrm(db.database);
    try {
      await (await migrator(orm)).up({ to: 'Migration20261122054617_automations' });
      const old = generateApiKey();
      const q = dialect === 'sqlite' ? '`' : '"';
      const ts = dialect === 'sqlite' ? String(Date.now()) : `'${new Date().toISOString()}'`;
      await orm.em
        .fork()
        .getConnection()
        .execute(`insert into api_keys (id, name, prefix, hash, created_at) values ('key_legacy', 'ci robot', '${old.prefix}', '${old.hash}', ${ts})`.replaceAll('"', q));
      await (await migrator(orm)).up();
      const rows = await db.query(`select principal, scopes from api_keys where id = 'key_legacy'`);
      expect(rows).toEqual([{ principal: 'ci robot', scopes: [...LEGACY_KEY_SCOPES].sort().join(' ') }]);
      expect(LEGACY_KEY_SCOPES).not.toContain('admin');
      expect(LEGACY_KEY_SCOPES).not.toContain('approvals:act-as');
      expect(LEGACY_KEY_SCOPES).toContain('runs:write');
    } finally {
      await orm.close();
      await db.drop();
    }
  });
});

describe('the codec endpoint', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false, env: { SWITCHBOARD_PAYLOAD_ENCRYPTION: 'true' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('decodes only for keys with runs:read', async () => {
    const decode = (key: string) => as(stack, key)('/codec/decode', { method: 'POST', json: { payloads: [] } });
    const refused = await decode(await mintKey(stack, 'ivan', ['automations:read']));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.message).toContain('runs:read');
    expect((await decode(await mintKey(stack, 'judy', ['runs:read']))).status).toBe(200);
  });
});

describe('switchboard keys create', () => {
  it('mints a key for a principal with scopes, and refuses unknown scopes naming the valid ones', async () => {
    const db = await createTestDatabase('sqlite');
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['bin/switchboard.mjs', 'keys', 'create', ...args], {
        env: { PATH: process.env['PATH'], DATABASE_URL: `sqlite:${(db.database as { path: string }).path}`, LOG_LEVEL: 'silent' },
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    try {
      const bad = await run(['--name', 'x', '--scopes', 'runs:read,root']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/unknown scope "root"; valid: admin, connections:read/);
      const ok = await run(['--name', 'deploy bot', '--principal', 'ci', '--scopes', 'runs:write,runs:read']);
      expect(ok.code).toBe(0);
      expect(ok.stdout.trim()).toMatch(/^sb_/);
      expect(ok.stderr).toContain('for ci with scopes runs:read, runs:write');
      expect(await db.query('select name, principal, scopes from api_keys')).toEqual([{ name: 'deploy bot', principal: 'ci', scopes: 'runs:read runs:write' }]);
    } finally {
      await db.drop();
    }
  });
});
