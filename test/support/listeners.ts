/** TCP listeners that count connections (SSRF tests) and small HTTP servers for provider fakes. */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface ConnectionCounter {
  port: number;
  /** Connections seen on any bound address. */
  count(): number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and ::1 on the same port and counts every connection. */
export async function countingListener(): Promise<ConnectionCounter> {
  let connections = 0;
  const servers: NetServer[] = [];
  const onConn = (socket: Socket) => {
    connections++;
    socket.destroy();
  };
  const v4 = createServer(onConn);
  await new Promise<void>((r) => v4.listen(0, '127.0.0.1', r));
  servers.push(v4);
  const port = (v4.address() as AddressInfo).port;
  const v6 = createServer(onConn);
  await new Promise<void>((resolve, reject) => {
    v6.once('error', reject);
    v6.listen(port, '::1', resolve);
  });
  servers.push(v6);
  return {
    port,
    count: () => connections,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

export interface FakeServer {
  url: string;
  port: number;
  server: Server;
  /** Every request received, with its arrival time (`at`, epoch ms). */
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string; at: number }[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 whose handler sees the buffered body; records every request. */
export async function fakeServer(
  handler: (req: IncomingMessage & { body: string }, res: ServerResponse) => void | Promise<void>,
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, at: Date.now() });
      Promise.resolve(handler(Object.assign(req, { body }), res)).catch((err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Sends a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
