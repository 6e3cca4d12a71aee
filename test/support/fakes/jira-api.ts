/**
 * A local Jira Cloud REST v3 server on 127.0.0.1: `POST /rest/api/3/issue` creates an
 * issue (`OPS-1`, `OPS-2`, …) when the basic auth matches; every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJira {
  url: string;
  requests: { method: string; path: string; authorization?: string | undefined; body: unknown }[];
  /** The fields of every issue created, in order. */
  created: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeJira(opts: { email: string; apiToken: string }): Promise<FakeJira> {
  const basic = `Basic ${Buffer.from(`${opts.email}:${opts.apiToken}`).toString('base64')}`;
  const fake: FakeJira = { url: '', requests: [], created: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = parts.length ? (JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>) : {};
      fake.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== basic) return send(401, { errorMessages: ['You are not authenticated.'], errors: {} });
      if (req.method === 'POST' && req.url === '/rest/api/3/issue') {
        const fields = (body['fields'] ?? {}) as Record<string, unknown>;
        fake.created.push(fields);
        const n = fake.created.length;
        const project = (fields['project'] as { key?: string } | undefined)?.key ?? 'OPS';
        return send(201, { id: String(10000 + n), key: `${project}-${n}`, self: `${fake.url}/rest/api/3/issue/${10000 + n}` });
      }
      send(404, { errorMessages: [`no route ${req.method} ${req.url}`], errors: {} });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}
