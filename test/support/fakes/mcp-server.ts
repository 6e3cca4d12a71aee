/**
 * A real MCP server for tests, built with the official SDK and served over streamable
 * HTTP (stateless) on 127.0.0.1. Tools can be removed between syncs; a bearer token
 * is required when given.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface FakeMcpServer {
  url: string;
  tools: Set<'add' | 'echo'>;
  calls: { tool: string; args: unknown }[];
  close(): Promise<void>;
}

function build(fake: FakeMcpServer): McpServer {
  const server = new McpServer({ name: 'fake-tools', version: '1.0.0' });
  if (fake.tools.has('add')) {
    server.registerTool(
      'add',
      { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
      async ({ a, b }) => {
        fake.calls.push({ tool: 'add', args: { a, b } });
        return { content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } };
      },
    );
  }
  if (fake.tools.has('echo')) {
    server.registerTool('echo', { description: 'Echoes text', inputSchema: { text: z.string() } }, async ({ text }) => {
      fake.calls.push({ tool: 'echo', args: { text } });
      return { content: [{ type: 'text', text }] };
    });
  }
  return server;
}

export async function startFakeMcpServer(opts: { bearer?: string } = {}): Promise<FakeMcpServer> {
  const fake: FakeMcpServer = { url: '', tools: new Set(['add', 'echo']), calls: [], close: async () => undefined };
  const http: Server = createServer((req, res) => {
    if (opts.bearer && req.headers.authorization !== `Bearer ${opts.bearer}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      void (async () => {
        const body = parts.length ? (JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown) : undefined;
        const server = build(fake);
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        res.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, body);
      })();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  fake.close = () =>
    new Promise((r) => {
      http.closeAllConnections();
      http.close(() => r());
    });
  return fake;
}
