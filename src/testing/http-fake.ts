/**
 * A local HTTP fake of a provider for the contract kit: answers with the case's
 * provider-shaped success responder, unless a fault was injected for the next call.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault a provider fake can inject into its next answers.
 *
 * @example
 * fake.fail('rateLimited'); // the next request answers 429 with Retry-After
 */
export type Fault = 'unauthorized' | 'rateLimited' | 'unavailable' | 'malformed';

/**
 * A request a fake received, with its parsed body.
 *
 * @example
 * const fake = await httpFake((req: FakeRequest) => ({ body: { echoed: req.json } }));
 */
export interface FakeRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Parsed JSON or form body when it is one. */
  json: unknown;
  at: number;
}

/**
 * What a fake answers (status 200 and a JSON body by default).
 *
 * @example
 * const fake = await httpFake((): FakeResponse => ({ status: 201, headers: { 'x-request-id': 'r1' }, body: { id: 'item_1' } }));
 */
export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * What the contract kit needs from any provider fake (HTTP, SMTP, …).
 *
 * @example
 * const fake: ContractFake = await httpFake(respond); fake.fail('unavailable');
 */
export interface ContractFake {
  /** Base URL (or host:port) the connection config points at. */
  url: string;
  /** Calls the provider received, oldest first. */
  requests(): { at: number }[];
  /** Makes the next call fail with the fault; false when this fake cannot produce it. */
  inject(fault: Fault): boolean;
  close(): Promise<void>;
}

/**
 * A local HTTP server that speaks a provider's wire format, records requests and injects faults.
 *
 * @example
 * const fake = await httpFake(() => ({ body: { ok: true } }));
 * console.log(fake.url, fake.requests().length);
 * await fake.close();
 */
export interface HttpFake extends ContractFake {
  requests(): FakeRequest[];
  port: number;
}

function parseBody(req: IncomingMessage, body: string): unknown {
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.includes('json')) return JSON.parse(body);
    if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  } catch {
    /* not parseable: keep raw */
  }
  return undefined;
}

/**
 * Starts the fake on 127.0.0.1 (random port).
 *
 * @example
 * const fake = await httpFake((req) => ({ body: { id: 'cus_1', created: 1 } }), { malformed: { body: { id: 42 } } });
 */
export async function httpFake(respond: (req: FakeRequest) => FakeResponse, opts: { malformed?: FakeResponse } = {}): Promise<HttpFake> {
  const seen: FakeRequest[] = [];
  const queue: Fault[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: FakeRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, json: parseBody(req, body), at: Date.now() };
      seen.push(r);
      const fault = queue.shift();
      // Fault bodies echo what the provider received (token in URL or header), as some
      // real providers do, so the kit can prove secrets are scrubbed from error text.
      const echo = `${r.method} ${r.url} authorization=${String(r.headers.authorization ?? '')} body=${body}`;
      let out: FakeResponse;
      if (fault === 'unauthorized') out = { status: 401, body: { ok: false, error: 'invalid_auth', error_code: 401, message: `Bad credentials: ${echo}`, description: `Unauthorized: ${echo}` } };
      else if (fault === 'rateLimited') out = { status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited', error_code: 429, message: 'Too many requests', parameters: { retry_after: 2 } } };
      else if (fault === 'unavailable') out = { status: 503, body: { ok: false, message: 'Service unavailable' } };
      else if (fault === 'malformed') out = opts.malformed ?? { body: {} };
      else out = respond(r);
      const payload = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      res.writeHead(out.status ?? 200, {
        ...(typeof out.body === 'string' ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json' }),
        ...out.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => seen,
    inject(fault) {
      if (fault === 'malformed' && !opts.malformed) return false;
      queue.push(fault);
      return true;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
