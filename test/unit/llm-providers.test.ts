/**
 * The provider halves of the LLM connectors and the SDK's shared halves, against a
 * stubbed fetch: Cohere's v2 wire format and error mapping, Anthropic's apiVersion,
 * per-connector config schemas, runEmbed's batching and checks.
 */
import { describe, expect, it } from 'vitest';
import anthropic from '../../connectors/anthropic/index.ts';
import { anthropicLlm } from '../../connectors/anthropic/chat.ts';
import { cohereLlm } from '../../connectors/cohere/chat.ts';
import { cohereEmbeddings } from '../../connectors/cohere/embeddings.ts';
import { runEmbed } from '../../connectors/sdk/embeddings.ts';
import { ConnectorError, type EmbeddingsCapability, type ProviderContext, type SafeFetch } from '../../connectors/sdk/index.ts';
import { runChat } from '../../connectors/sdk/llm.ts';
import { createHttpClient } from '../../src/connector-host/http-client.ts';

interface Seen {
  url: string;
  headers: Headers;
  body: string;
}

function stub(answers: { status: number; body: unknown; headers?: Record<string, string> }[]): { fetch: SafeFetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: SafeFetch = async (input, init) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers), body: String(init?.body ?? '') });
    const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json', ...a.headers } });
  };
  return { fetch, seen };
}

const ctx = (fetch: SafeFetch, config: Record<string, unknown>, secrets: Record<string, unknown>): ProviderContext => ({
  config,
  secrets,
  http: createHttpClient({ fetch, resolveHost: async () => ({ address: '127.0.0.1', family: 4 }) }),
  signal: new AbortController().signal,
});

describe('cohere provider', () => {
  it('maps a v2 chat answer: text parts, finish reason, usage from billed_units when tokens are absent', async () => {
    const { fetch, seen } = stub([{ status: 200, body: { id: 'c1', finish_reason: 'MAX_TOKENS', message: { role: 'assistant', content: [{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }] }, usage: { billed_units: { input_tokens: 11, output_tokens: 2 } } } }]);
    const res = await runChat('cohere', cohereLlm, ctx(fetch, { baseUrl: 'https://co.test/', defaults: { temperature: 0.3 } }, { apiKey: 'co-unit-key' }), { messages: [{ role: 'user', content: 'Hi' }] });
    expect(res).toEqual({ text: 'Hello', usage: { inputTokens: 11, outputTokens: 2 }, model: 'command-a-03-2025', finishReason: 'length' });
    expect(seen[0]!.url).toBe('https://co.test/v2/chat');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer co-unit-key');
    expect(JSON.parse(seen[0]!.body)).toEqual({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'Hi' }], stream: false, temperature: 0.3 });
  });

  it('maps Cohere errors: 429 → RATE_LIMITED with Retry-After, 400 → INVALID_INPUT not retried', async () => {
    const limited = stub([{ status: 429, body: { id: 'e', message: 'trial key limit' }, headers: { 'retry-after': '3' } }]);
    const err = (await runChat('cohere', cohereLlm, ctx(limited.fetch, {}, { apiKey: 'co-unit-key' }), { messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryable).toBe(true);
    expect(err.options.retryAfterMs).toBe(3000);
    const bad = stub([{ status: 400, body: { id: 'e', message: 'invalid request: model x not found' } }]);
    const e400 = (await cohereEmbeddings.embed(ctx(bad.fetch, {}, { apiKey: 'co-unit-key' }), { model: 'x', texts: ['a'] }).catch((e: unknown) => e)) as ConnectorError;
    expect(e400.code).toBe('INVALID_INPUT');
    expect(e400.retryable).toBe(false);
  });

  it('knows its models\' vector sizes and sends output_dimension only to embed-v4', async () => {
    expect(cohereEmbeddings.dimensions!('embed-english-light-v3.0')).toEqual([384]);
    const { fetch, seen } = stub([{ status: 200, body: { id: 'e', embeddings: { float: [[1, 0]] }, meta: { billed_units: { input_tokens: 4 } } } }]);
    const c = ctx(fetch, {}, { apiKey: 'k' });
    await cohereEmbeddings.embed(c, { model: 'embed-english-v3.0', texts: ['a'], dimensions: 1024 });
    const res = await cohereEmbeddings.embed(c, { model: 'embed-v4.0', texts: ['a'], inputType: 'query', dimensions: 256 });
    expect(JSON.parse(seen[0]!.body)).not.toHaveProperty('output_dimension');
    expect(JSON.parse(seen[1]!.body)).toMatchObject({ input_type: 'search_query', output_dimension: 256, embedding_types: ['float'] });
    expect(res.usage).toEqual({ inputTokens: 4 });
  });
});

describe('anthropic provider', () => {
  it('has its own config (apiVersion, no OpenAI organization) and sends apiVersion as anthropic-version', async () => {
    expect(Object.keys(anthropic.config.shape)).toEqual(expect.arrayContaining(['baseUrl', 'apiVersion', 'model', 'defaults']));
    expect(Object.keys(anthropic.config.shape)).not.toContain('organization');
    expect(anthropic.config.shape.baseUrl.description).not.toMatch(/OpenAI/);
    const { fetch, seen } = stub([{ status: 200, body: { id: 'm', type: 'message', role: 'assistant', model: 'claude-x', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } }]);
    const res = await runChat('anthropic', anthropicLlm, ctx(fetch, { baseUrl: 'https://anthropic.test', apiVersion: '2023-06-01' }, { apiKey: 'sk-ant-unit' }), { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.text).toBe('hi');
    expect(seen[0]!.headers.get('anthropic-version')).toBe('2023-06-01');
  });
});

describe('runEmbed', () => {
  const counting = (answer: (texts: string[]) => number[][]): EmbeddingsCapability & { calls: string[][] } => {
    const calls: string[][] = [];
    return { calls, maxBatch: 2, defaultModel: 'm1', embed: async (_ctx, req) => (calls.push(req.texts), { vectors: answer(req.texts), usage: { inputTokens: req.texts.length } }) };
  };
  const noCtx = ctx(stub([]).fetch, {}, {});

  it('splits into maxBatch calls and keeps the input order', async () => {
    const cap = counting((texts) => texts.map((t) => [Number(t)]));
    const res = await runEmbed('p', cap, noCtx, { texts: ['1', '2', '3', '4', '5'] });
    expect(cap.calls).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(res).toEqual({ vectors: [[1], [2], [3], [4], [5]], model: 'm1', usage: { inputTokens: 5 } });
  });

  it('fails UPSTREAM_5XX when a provider answers fewer vectors than texts, and maps thrown provider errors', async () => {
    const short = counting(() => [[1]]);
    await expect(runEmbed('p', short, noCtx, { texts: ['a', 'b'] })).rejects.toMatchObject({ code: 'UPSTREAM_5XX', message: 'p returned 1 vectors for 2 texts' });
    const throwing: EmbeddingsCapability = { maxBatch: 8, defaultModel: 'm', embed: async () => Promise.reject(Object.assign(new Error('Unauthorized'), { status: 401 })) };
    await expect(runEmbed('p', throwing, noCtx, { texts: ['a'] })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });
});
