/**
 * A local Anthropic Messages API on 127.0.0.1 (`POST /v1/messages`, the key as `x-api-key` or bearer) speaking
 * the real wire format: text and `tool_use` content blocks, `stop_reason`, `usage`.
 * Tests script the replies; every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MessagesRequest {
  model: string;
  system?: string;
  max_tokens: number;
  messages: { role: 'user' | 'assistant'; content: string | Record<string, unknown>[] }[];
  tools?: { name: string; description?: string; input_schema: unknown }[];
}

/** What the fake answers: text, tool calls (with optional text before them), or an error status. */
export type MessagesReply =
  | { text?: string; toolUses?: { id: string; name: string; input: unknown }[]; usage?: { input_tokens: number; output_tokens: number } }
  | { status: number; error?: string };

export interface FakeAnthropic {
  url: string;
  requests: { path: string; headers: Record<string, string | string[] | undefined>; body: MessagesRequest }[];
  script: MessagesReply[];
  close(): Promise<void>;
}

export async function startFakeAnthropic(opts: { apiKey: string }): Promise<FakeAnthropic> {
  const fake: FakeAnthropic = { url: '', requests: [], script: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = (parts.length ? JSON.parse(Buffer.concat(parts).toString('utf8')) : {}) as MessagesRequest;
      fake.requests.push({ path: req.url ?? '', headers: req.headers, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${fake.requests.length}` });
        res.end(JSON.stringify(payload));
      };
      // The SDK sends the key as x-api-key or, in its newer versions, as a bearer token.
      if (req.headers['x-api-key'] !== opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) return send(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) return send(404, { type: 'error', error: { type: 'not_found_error', message: `no route ${req.url}` } });
      const reply = fake.script.shift() ?? { text: 'ok' };
      if ('status' in reply) return send(reply.status, { type: 'error', error: { type: 'api_error', message: reply.error ?? `status ${reply.status}` } });
      const content = [
        ...(reply.text ? [{ type: 'text', text: reply.text }] : []),
        ...(reply.toolUses ?? []).map((t) => ({ type: 'tool_use', id: t.id, name: t.name, input: t.input })),
      ];
      send(200, {
        id: `msg_${fake.requests.length}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: reply.toolUses?.length ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: reply.usage ?? { input_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), output_tokens: 10 },
      });
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
