/**
 * The official `openai` SDK, configured for Switchboard: the outbound (SSRF-guarded)
 * fetch, no SDK retries (Temporal's retry policy decides), any OpenAI-compatible base URL.
 * Loaded on first use: a worker whose runs never call OpenAI does not hold the SDK.
 */
import type OpenAI from 'openai';
import type { SafeFetch } from '../sdk/types.ts';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiClientOptions {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  organization?: string | undefined;
  fetch: SafeFetch;
  timeoutMs?: number;
}

export async function createOpenAiClient(opts: OpenAiClientOptions): Promise<OpenAI> {
  const { default: OpenAiSdk } = await import('openai');
  return new OpenAiSdk({
    // Local servers (Ollama, vLLM) accept any key; the SDK insists on one.
    apiKey: opts.apiKey ?? 'not-needed',
    baseURL: (opts.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/$/, ''),
    organization: opts.organization ?? null,
    fetch: opts.fetch as never,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 120_000,
  });
}
