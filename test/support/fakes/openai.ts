/**
 * A local OpenAI-compatible server on 127.0.0.1 speaking the real wire formats of
 * `POST /v1/chat/completions` and `POST /v1/embeddings`. Tests script failures
 * (429 with Retry-After, 401) and replies; every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: unknown } }[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
}

/** What the fake answers to one chat request. */
export type ChatReply =
  | { content: string; usage?: { prompt_tokens: number; completion_tokens: number }; finishReason?: string }
  | { toolCalls: { id: string; name: string; arguments: unknown }[]; usage?: { prompt_tokens: number; completion_tokens: number }; /** Text beside the calls (the model's stated reason). */ content?: string }
  | { status: number; headers?: Record<string, string>; error?: string };

export interface FakeOpenAi {
  url: string;
  /** `http://127.0.0.1:<port>/v1`, the baseUrl of an openai connection. */
  baseUrl: string;
  requests: { path: string; headers: Record<string, string | string[] | undefined>; body: unknown }[];
  /** Replies used in order; when empty, `defaultReply` answers. */
  script: ChatReply[];
  defaultReply: (req: ChatRequest) => ChatReply;
  close(): Promise<void>;
}

/** Deterministic "embedding": hashed bag of words, L2-normalised. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 2166136261;
    for (const ch of word) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
    v[h % dimensions]! += 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

const estimate = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4);

export async function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  const fake: FakeOpenAi = {
    url: '',
    baseUrl: '',
    requests: [],
    script: [],
    defaultReply: () => ({ content: 'ok' }),
    close: async () => undefined,
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = parts.length ? (JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>) : {};
      fake.requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        return send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      }
      if (req.method === 'POST' && req.url === '/v1/embeddings') {
        const input = (Array.isArray(body['input']) ? body['input'] : [body['input']]) as string[];
        const dims = Number(body['dimensions'] ?? 64);
        return send(res, 200, {
          object: 'list',
          model: body['model'],
          data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, dims) })),
          usage: { prompt_tokens: estimate(input), total_tokens: estimate(input) },
        });
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        const chat = body as unknown as ChatRequest;
        const reply = fake.script.shift() ?? fake.defaultReply(chat);
        if ('status' in reply) {
          return send(res, reply.status, { error: { message: reply.error ?? `status ${reply.status}`, type: 'fake_error', code: null } }, reply.headers);
        }
        const usage = reply.usage ?? { prompt_tokens: estimate(chat.messages), completion_tokens: !('toolCalls' in reply) ? estimate(reply.content) : 20 };
        const message =
          !('toolCalls' in reply)
            ? { role: 'assistant', content: reply.content, refusal: null }
            : {
                role: 'assistant',
                content: reply.content ?? null,
                refusal: null,
                tool_calls: reply.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.arguments) } })),
              };
        return send(res, 200, {
          id: `chatcmpl-${fake.requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: chat.model,
          choices: [{ index: 0, message, logprobs: null, finish_reason: !('toolCalls' in reply) ? (reply.finishReason ?? 'stop') : 'tool_calls' }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
      }
      send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${port}`;
  fake.baseUrl = `${fake.url}/v1`;
  fake.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}
