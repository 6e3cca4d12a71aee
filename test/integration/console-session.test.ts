/**
 * The console's server side: the built SPA at `/` with a strict CSP and an HTML fallback
 * for client routes (API paths keep their JSON 404), and the session contract: an API key
 * traded for an HttpOnly SameSite=Strict cookie, CSRF-checked state changes, sign-out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

describe('console serving and sessions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const signIn = async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: TEST_API_KEY }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { principal: { id: string }; scopes: string[]; csrfToken: string };
    const cookie = res.headers.get('set-cookie') ?? '';
    return { body, cookie, sessionCookie: cookie.split(';')[0]! };
  };

  it('serves the console at / and for client routes, under a CSP without unsafe-eval', async () => {
    for (const path of ['/', '/connections/conn_x', '/runs/run%3Aa%3Ab']) {
      const res = await fetch(stack.baseUrl + path, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('<div id="root"></div>');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      const js = await fetch(stack.baseUrl + asset!);
      expect(js.status).toBe(200);
      expect(js.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('leaves API, docs and unknown assets alone', async () => {
    const api = await fetch(`${stack.baseUrl}/api/v1/nope`, { headers: { accept: 'text/html', authorization: `Bearer ${TEST_API_KEY}` } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const asset = await fetch(`${stack.baseUrl}/assets/missing.js`);
    expect(asset.status).toBe(404);
    const health = await fetch(`${stack.baseUrl}/healthz`, { headers: { accept: 'text/html' } });
    expect(health.headers.get('content-type')).toMatch(/json/);
  });

  it('trades an API key for an HttpOnly SameSite=Strict cookie, never echoing the key', async () => {
    const { body, cookie } = await signIn();
    expect(body.scopes).toEqual(['admin']);
    expect(body.csrfToken).toMatch(/^[\w-]{32,}$/);
    expect(JSON.stringify(body)).not.toContain(TEST_API_KEY);
    expect(cookie).toMatch(/^sb_session=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(TEST_API_KEY);
  });

  it('refuses a wrong key and a malformed body with JSON errors', async () => {
    const wrong = await fetch(`${stack.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const empty = await fetch(`${stack.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(empty.status).toBe(400);
    const none = await fetch(`${stack.baseUrl}/api/v1/session`);
    expect(none.status).toBe(401);
  });

  it('authenticates /api/v1 by cookie; state changes need the CSRF token', async () => {
    const { body, sessionCookie } = await signIn();
    const me = await fetch(`${stack.baseUrl}/api/v1/session`, { headers: { cookie: sessionCookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { csrfToken: string }).csrfToken).toBe(body.csrfToken);
    const list = await fetch(`${stack.baseUrl}/api/v1/connections`, { headers: { cookie: sessionCookie } });
    expect(list.status).toBe(200);

    const create = (headers: Record<string, string>) =>
      fetch(`${stack.baseUrl}/api/v1/connections`, {
        method: 'POST',
        headers: { cookie: sessionCookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ connector: 'slack', name: 'csrf', secrets: { botToken: 'xoxb-1' } }),
      });
    const noToken = await create({});
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('CSRF_FAILED');
    expect((await create({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await create({ 'x-csrf-token': body.csrfToken })).status).toBe(201);
  });

  it('signs out: the cookie stops working', async () => {
    const { body, sessionCookie } = await signIn();
    expect((await fetch(`${stack.baseUrl}/api/v1/session`, { method: 'DELETE', headers: { cookie: sessionCookie } })).status).toBe(403);
    const out = await fetch(`${stack.baseUrl}/api/v1/session`, { method: 'DELETE', headers: { cookie: sessionCookie, 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(204);
    expect((await fetch(`${stack.baseUrl}/api/v1/session`, { headers: { cookie: sessionCookie } })).status).toBe(401);
    expect((await fetch(`${stack.baseUrl}/api/v1/connections`, { headers: { cookie: sessionCookie } })).status).toBe(401);
  });
});
