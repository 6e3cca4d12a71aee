/**
 * Talking to registered MCP servers with the official SDK client over streamable HTTP,
 * SSE or stdio. HTTP transports use the SSRF-safe fetch; stdio runs only executables
 * listed in `SWITCHBOARD_MCP_STDIO_COMMANDS`. Headers and bearer tokens are decrypted
 * by the caller and exist only for the duration of one connection.
 * The SDK's client and transports are loaded on the first connection, not with this module:
 * a worker that runs no MCP step or tool does not hold them.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import { VERSION } from '../version.ts';

export const MCP_TRANSPORTS = ['streamable-http', 'sse', 'stdio'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];

/** Encrypted part of a registration. */
export interface McpSecrets {
  headers?: Record<string, string> | undefined;
  bearer?: string | undefined;
}

export interface McpTarget {
  name: string;
  transport: McpTransport;
  url?: string | null | undefined;
  command?: string | null | undefined;
  args?: string[] | null | undefined;
}

/** A tool as listed by a server (stored on the registration). */
export interface McpTool {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown> | undefined;
  annotations?: Record<string, unknown> | undefined;
}

export interface McpClientOptions {
  fetch: SafeFetch;
  stdioCommands: readonly string[];
  timeoutMs?: number;
}

async function transportFor(target: McpTarget, secrets: McpSecrets, opts: McpClientOptions): Promise<Transport> {
  const headers: Record<string, string> = { ...secrets.headers };
  if (secrets.bearer) headers['authorization'] = `Bearer ${secrets.bearer}`;
  if (target.transport === 'stdio') {
    if (!target.command || !opts.stdioCommands.includes(target.command)) {
      throw new ConnectorError('CONFIG_INVALID', `stdio command ${target.command ?? '(none)'} is not allowed (SWITCHBOARD_MCP_STDIO_COMMANDS)`);
    }
    // Only the secrets' headers become environment, never the worker's own environment.
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    return new StdioClientTransport({ command: target.command, args: target.args ?? [], env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...headers }, stderr: 'ignore' });
  }
  if (!target.url) throw new ConnectorError('CONFIG_INVALID', `MCP server ${target.name} has no url`);
  const url = new URL(target.url);
  const fetchLike = opts.fetch as unknown as typeof fetch;
  if (target.transport === 'sse') {
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    return new SSEClientTransport(url, { fetch: fetchLike, requestInit: { headers }, eventSourceInit: { fetch: (u, init) => fetchLike(u, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) } });
  }
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  return new StreamableHTTPClientTransport(url, { fetch: fetchLike, requestInit: { headers } });
}

/** Connects, runs `fn` with the client, and always closes the connection. */
export async function withMcpClient<T>(target: McpTarget, secrets: McpSecrets, opts: McpClientOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  const transport = await transportFor(target, secrets, opts);
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const client = new Client({ name: 'switchboard', version: VERSION });
  try {
    await client.connect(transport, { timeout: opts.timeoutMs ?? 30_000 });
    return await fn(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Every tool of the server (following pagination). */
export async function listMcpTools(client: Client, timeoutMs = 30_000): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {}, { timeout: timeoutMs });
    for (const t of page.tools) {
      tools.push({
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        ...(t.description ? { description: t.description } : {}),
        inputSchema: t.inputSchema as Record<string, unknown>,
        ...(t.outputSchema ? { outputSchema: t.outputSchema as Record<string, unknown> } : {}),
        ...(t.annotations ? { annotations: t.annotations as Record<string, unknown> } : {}),
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
