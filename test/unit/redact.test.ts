import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { createHttpClient, parseRetryAfter } from '../../src/connector-host/http-client.ts';
import { Redactor, redactingLogger, secretValuesOf } from '../../src/security/redact.ts';

describe('redaction by value and by key', () => {
  const redactor = new Redactor(secretValuesOf({ token: 'tok-123456', nested: { password: 'p@ss word!' }, short: 'ab' }));

  it('scrubs values, their URL-encoded and base64 forms, but not short values', () => {
    expect(redactor.scrub('token tok-123456 at /bottok-123456/x')).toBe('token [redacted] at /bot[redacted]/x');
    expect(redactor.scrub(`q=${encodeURIComponent('p@ss word!')}`)).toBe('q=[redacted]');
    expect(redactor.scrub(Buffer.from('p@ss word!').toString('base64'))).toBe('[redacted]');
    expect(redactor.scrub('ab cd')).toBe('ab cd');
  });

  it('scrubs nested values and secret-named keys', () => {
    expect(redactor.scrubDeep({ msg: 'x tok-123456', headers: { Authorization: 'Basic abc', accept: 'json' }, list: ['tok-123456'] })).toEqual({
      msg: 'x [redacted]',
      headers: { Authorization: '[redacted]', accept: 'json' },
      list: ['[redacted]'],
    });
  });

  it('wraps a logger', () => {
    const lines: unknown[][] = [];
    const sink = { debug: (...a: unknown[]) => lines.push(a), info: (...a: unknown[]) => lines.push(a), warn: (...a: unknown[]) => lines.push(a), error: (...a: unknown[]) => lines.push(a) };
    redactingLogger(sink, redactor).info({ apiKey: 'zzz', detail: 'tok-123456' }, 'sent tok-123456');
    expect(lines).toEqual([[{ apiKey: '[redacted]', detail: '[redacted]' }, 'sent [redacted]']]);
  });
});

describe('HttpClient scrubs the credentials it sends', () => {
  it('removes an echoed Basic pair, its password and a bearer token that are not secret values themselves', async () => {
    const echo = async (_url: URL | string, init?: { headers?: Headers }) =>
      new Response(JSON.stringify({ message: `rejected ${init?.headers?.get('authorization')} for ${Buffer.from('acct-42:derived-pass-99').toString('utf8')}` }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const http = createHttpClient({ fetch: echo as never, resolveHost: async () => ({ address: '8.8.8.8', family: 4 }), redactor: new Redactor() });
    const basic = `Basic ${Buffer.from('acct-42:derived-pass-99').toString('base64')}`;
    const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable('the request should fail'), (e: unknown) => e as ConnectorError);
    const err = await failure(http.request({ url: 'https://api.example.com/x', headers: { authorization: basic } }));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).not.toContain(Buffer.from('acct-42:derived-pass-99').toString('base64'));
    expect(err.message).not.toContain('derived-pass-99');
    expect(err.message).toContain('[redacted]');
    const bearer = await failure(http.request({ url: 'https://api.example.com/x', headers: { authorization: 'Bearer built-from-config-7f3a' } }));
    expect(bearer.message).not.toContain('built-from-config-7f3a');
  });
});

describe('HttpClient error mapping', () => {
  const respond = (status: number, body: string, headers: Record<string, string> = {}) => async () =>
    new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
  const client = (fetch: () => Promise<Response>) =>
    createHttpClient({ fetch, resolveHost: async () => ({ address: '8.8.8.8', family: 4 }), redactor: new Redactor(['secret-token-1']) });

  it.each([
    [401, 'AUTH_FAILED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [422, 'INVALID_INPUT'],
    [429, 'RATE_LIMITED'],
    [503, 'UPSTREAM_5XX'],
  ])('maps %i to %s with the provider message, secrets scrubbed', async (status, code) => {
    const err = (await client(respond(status, JSON.stringify({ message: 'bad secret-token-1' }), { 'retry-after': '3' }))
      .request({ url: 'https://api.example.com/x' })
      .catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe(code);
    expect(err.message).toBe(`GET https://api.example.com/x answered ${status}: bad [redacted]`);
    expect(err.options.retryAfterMs).toBe(3000);
  });

  it('parses JSON bodies, returns error statuses when asked, and maps network failures', async () => {
    const ok = await client(respond(200, '{"a":1}')).request({ url: 'https://api.example.com/' });
    expect(ok.body).toEqual({ a: 1 });
    expect((await client(respond(500, 'x')).request({ url: 'https://api.example.com/', allowErrorStatus: true })).status).toBe(500);
    const net = (await client(async () => Promise.reject(new TypeError('socket hang up')))
      .request({ url: 'https://api.example.com/' })
      .catch((e: unknown) => e)) as ConnectorError;
    expect(net.code).toBe('TRANSIENT_NETWORK');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
