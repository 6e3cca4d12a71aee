/**
 * A local Cohere server on 127.0.0.1 speaking the real v2 wire formats of
 * `POST /v2/chat`, `POST /v2/embed` and `POST /v1/check-api-key` (Bearer auth, errors
 * as `{ "message": … }`). Tests script failures (429 with Retry-After, 401) and
 * replies; every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeEmbedding } from './openai.ts';

export interface CohereChatRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string; tool_plan?: string }[];
  response_format?: { type: string; json_schema?: unknown };
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: unknown } }[];
  max_tokens?: number;
  temperature?: number;
}

type Units = { input_tokens: number; output_tokens: number };

/** What the fake answers to one chat request. */
export type CohereChatReply =
  | { text: string; tokens?: Units; billedUnits?: Units; finishReason?: string }
  | { toolCalls: { id: string; name: string; arguments: unknown }[]; toolPlan?: string; tokens?: Units }
  | { status: number; headers?: Record<string, string>; message?: string };

export interface FakeCohere {
  /** `http://127.0.0.1:<port>`, the baseUrl of a cohere connection. */
  url: string;
  requests: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }[];
  /** Chat replies used in order; when empty, `defaultReply` answers. */
  script: CohereChatReply[];
  defaultReply: (req: CohereChatRequest) => CohereChatReply;
  close(): Promise<void>;
}

const estimate = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4);

/** Native vector sizes of the models the fake knows (embed-v4.0 takes `output_dimension`). */
const NATIVE_DIMENSIONS: Record<string, number> = { 'embed-v4.0': 1536, 'embed-english-v3.0': 1024, 'embed-english-light-v3.0': 384 };

export async function startFakeCohere(opts: { apiKey?: string } = {}): Promise<FakeCohere> {
  const fake: FakeCohere = { url: '', requests: [], script: [], defaultReply: () => ({ text: 'ok' }), close: async () => undefined };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = parts.length ? (JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>) : {};
      fake.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        return send(res, 401, { id: 'err-401', message: 'invalid api token' });
      }
      if (req.method === 'POST' && req.url === '/v1/check-api-key') return send(res, 200, { valid: true, organization_id: 'org-fake', owner_id: 'owner-fake' });
      if (req.method === 'POST' && req.url === '/v2/embed') {
        const texts = body['texts'] as string[];
        const model = String(body['model']);
        if (!Array.isArray(texts) || texts.length > 96) return send(res, 400, { id: 'err-400', message: 'invalid request: texts must be an array of at most 96 strings' });
        if (!['search_document', 'search_query', 'classification', 'clustering'].includes(String(body['input_type']))) {
          return send(res, 400, { id: 'err-400', message: 'invalid request: input_type is required for embed v3 and higher' });
        }
        const dims = Number(body['output_dimension'] ?? NATIVE_DIMENSIONS[model] ?? 64);
        return send(res, 200, {
          id: `embed-${fake.requests.length}`,
          embeddings: { float: texts.map((t) => fakeEmbedding(t, dims)) },
          texts,
          meta: { api_version: { version: '2' }, billed_units: { input_tokens: estimate(texts) } },
          response_type: 'embeddings_by_type',
        });
      }
      if (req.method === 'POST' && req.url === '/v2/chat') {
        const chat = body as unknown as CohereChatRequest;
        const reply = fake.script.shift() ?? fake.defaultReply(chat);
        if ('status' in reply) return send(res, reply.status, { id: `err-${reply.status}`, message: reply.message ?? `status ${reply.status}` }, reply.headers);
        const tokens = reply.tokens ?? { input_tokens: estimate(chat.messages), output_tokens: 'text' in reply ? estimate(reply.text) : 20 };
        const billed = 'billedUnits' in reply && reply.billedUnits ? reply.billedUnits : tokens;
        const message =
          'text' in reply
            ? { role: 'assistant', content: [{ type: 'text', text: reply.text }] }
            : {
                role: 'assistant',
                ...(reply.toolPlan ? { tool_plan: reply.toolPlan } : {}),
                tool_calls: reply.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.arguments) } })),
              };
        return send(res, 200, {
          id: `chat-${fake.requests.length}`,
          finish_reason: 'text' in reply ? (reply.finishReason ?? 'COMPLETE') : 'TOOL_CALL',
          message,
          usage: { billed_units: billed, tokens },
        });
      }
      send(res, 404, { id: 'err-404', message: `no route ${req.method} ${req.url}` });
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
