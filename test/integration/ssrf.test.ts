import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { blockedReason, createSafeFetch } from '../../src/security/ssrf.ts';
import { countingListener, fakeServer, type ConnectionCounter, type FakeServer } from '../support/listeners.ts';

async function refusal(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to be refused').toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe('SSRF guard', () => {
  let counter: ConnectionCounter;
  beforeAll(async () => {
    counter = await countingListener();
  });
  afterAll(() => counter.close());

  const loopbackForms = (p: number) => [
    `http://127.0.0.1:${p}/`,
    `http://127.0.0.2:${p}/`,
    `http://2130706433:${p}/`, // decimal
    `http://0177.0.0.1:${p}/`, // octal
    `http://0x7f.0.0.1:${p}/`, // hex octet
    `http://0x7f000001:${p}/`, // hex long
    `http://127.1:${p}/`, // short form
    `http://0:${p}/`, // 0.0.0.0 reaches local services on Linux
    `http://0.0.0.0:${p}/`,
    `http://localhost:${p}/`,
    `http://localhost.:${p}/`,
    `http://LOCALHOST:${p}/`,
    `http://foo.localhost:${p}/`,
    `http://[::1]:${p}/`,
    `http://[0:0:0:0:0:0:0:1]:${p}/`,
    `http://[::ffff:127.0.0.1]:${p}/`,
    `http://[::ffff:7f00:1]:${p}/`,
    `http://[::127.0.0.1]:${p}/`, // IPv4-compatible
    `http://[64:ff9b::127.0.0.1]:${p}/`, // NAT64
    `http://[64:ff9b::7f00:1]:${p}/`,
    `http://[2002:7f00:1::]:${p}/`, // 6to4 of 127.0.0.1
    `http://[::]:${p}/`,
    `http://${hostname()}:${p}/`, // a DNS name resolving to 127.0.0.1 (/etc/hosts)
    `https://127.0.0.1:${p}/`,
  ];

  it('refuses every loopback spelling with SSRF_BLOCKED and no connection reaches 127.0.0.1 or ::1', async () => {
    const safeFetch = createSafeFetch({ timeoutMs: 3_000 });
    for (const url of loopbackForms(counter.port)) {
      const err = await refusal(safeFetch(url));
      expect(err.code, url).toBe('SSRF_BLOCKED');
      expect(err.retryable).toBe(false);
    }
    expect(counter.count()).toBe(0);
  });

  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1', // CGNAT
    '0.1.2.3',
    '198.18.0.1', // benchmarking
    '224.0.0.1', // multicast
    '240.0.0.1', // reserved
    '255.255.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '[fe80::1]',
    '[fc00::1]',
    '[fd00::2]',
    '[ff02::1]',
    '[::ffff:169.254.169.254]',
    '[64:ff9b::a9fe:a9fe]', // NAT64 of metadata
    '[2002:a9fe:a9fe::]', // 6to4 of metadata
    '[2002:0a00:0001::]', // 6to4 of 10.0.0.1
    '[2001::1]', // Teredo
    '[2001:db8::1]',
  ])('refuses %s', async (host) => {
    const err = await refusal(createSafeFetch({ timeoutMs: 2_000 })(`http://${host}/latest/meta-data/`));
    expect(err.code).toBe('SSRF_BLOCKED');
  });

  it('refuses non-http schemes', async () => {
    const safeFetch = createSafeFetch();
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1/', 'data:text/plain,hi']) {
      expect((await refusal(safeFetch(url))).code).toBe('SSRF_BLOCKED');
    }
  });

  it('classifies addresses with ipaddr.js ranges, judging NAT64/6to4 by the embedded IPv4', () => {
    expect(blockedReason('8.8.8.8')).toBeUndefined();
    expect(blockedReason('2606:4700::1111')).toBeUndefined();
    expect(blockedReason('64:ff9b::808:808')).toBeUndefined();
    expect(blockedReason('2002:808:808::1')).toBeUndefined();
    expect(blockedReason('64:ff9b::7f00:1')).toMatch(/loopback/);
    expect(blockedReason('::ffff:10.1.2.3')).toMatch(/private/);
  });

  describe('with an allow-list', () => {
    let target: FakeServer;
    let redirector: FakeServer;
    beforeAll(async () => {
      target = await fakeServer((req, res) => {
        if (req.url === '/big') {
          res.end('x'.repeat(5000));
          return;
        }
        if (req.url === '/big-chunked') {
          res.write('x'.repeat(800));
          res.end('x'.repeat(800));
          return;
        }
        if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 2_000);
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null, method: req.method, body: req.body }));
      });
      redirector = await fakeServer((req, res) => {
        const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
        res.writeHead(Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 302), { location: to });
        res.end();
      });
    });
    afterAll(async () => {
      await target.close();
      await redirector.close();
    });

    it('admits an allow-listed address and follows allowed redirects, re-sending the body on 307', async () => {
      const safeFetch = createSafeFetch({ allow: ['127.0.0.1'] });
      const direct = await safeFetch(`${target.url}/hello`);
      expect(await direct.json()).toMatchObject({ path: '/hello' });
      const to = encodeURIComponent(`${target.url}/landed`);
      const res = await safeFetch(`${redirector.url}/?status=307&to=${to}`, { method: 'POST', body: 'payload' });
      expect(res.redirected).toBe(true);
      expect(res.url).toBe(`${target.url}/landed`);
      expect(await res.json()).toMatchObject({ path: '/landed', method: 'POST', body: 'payload' });
    });

    it('refuses at the redirect when an allow-listed host redirects to a blocked address', async () => {
      // Only the name "localhost" is admitted; the redirect targets are literal addresses.
      const safeFetch = createSafeFetch({ allow: ['localhost'] });
      const ok = await safeFetch(`http://localhost:${target.port}/via-name`);
      expect(ok.status).toBe(200);
      for (const to of [`http://127.0.0.1:${counter.port}/`, `http://[::1]:${counter.port}/`, `http://2130706433:${counter.port}/`, 'http://169.254.169.254/latest/meta-data/']) {
        const before = redirector.requests.length;
        const err = await refusal(safeFetch(`http://localhost:${redirector.port}/?to=${encodeURIComponent(to)}`));
        expect(err.code, to).toBe('SSRF_BLOCKED');
        expect(redirector.requests.length).toBe(before + 1);
      }
      expect(counter.count()).toBe(0);
    });

    it('drops credentials when a redirect changes origin and stops after 5 redirects', async () => {
      const safeFetch = createSafeFetch({ allow: ['127.0.0.1', 'localhost'] });
      const to = encodeURIComponent(`http://localhost:${target.port}/x`);
      const res = await safeFetch(`${redirector.url}/?to=${to}`, { headers: { authorization: 'Bearer s3cret' } });
      expect(await res.json()).toMatchObject({ auth: null });

      let url = `${target.url}/end`;
      for (let i = 0; i < 6; i++) url = `${redirector.url}/?to=${encodeURIComponent(url)}`;
      expect((await refusal(safeFetch(url))).message).toMatch(/more than 5 redirects/);
      const five = url.replace(`${redirector.url}/?to=`, '');
      expect((await safeFetch(decodeURIComponent(five))).status).toBe(200);
    });

    it('caps the response size and enforces the timeout', async () => {
      const safeFetch = createSafeFetch({ allow: ['127.0.0.1'], maxResponseBytes: 1000 });
      expect((await refusal(safeFetch(`${target.url}/big`))).message).toMatch(/more than the cap/);
      const res = await safeFetch(`${target.url}/big-chunked`);
      await expect(res.text()).rejects.toThrow(/exceeds 1000 bytes/);
      const err = await refusal(safeFetch(`${target.url}/slow`, { timeoutMs: 200 }));
      expect(err.code).toBe('TIMEOUT');
      expect(err.retryable).toBe(true);
    });

    it('reports a refused connection as TRANSIENT_NETWORK', async () => {
      const closed = await fakeServer(() => undefined);
      await closed.close();
      const err = await refusal(createSafeFetch({ allow: ['127.0.0.1'] })(`${closed.url}/`));
      expect(err.code).toBe('TRANSIENT_NETWORK');
    });
  });

  it('the counting listener does count: an allow-listed call to it is seen (runs last)', async () => {
    const safeFetch = createSafeFetch({ allow: ['127.0.0.1', '::1'], timeoutMs: 2_000 });
    for (const url of [`http://127.0.0.1:${counter.port}/`, `http://[::1]:${counter.port}/`]) await safeFetch(url).catch(() => undefined);
    expect(counter.count()).toBe(2);
  });
});
