/**
 * The official `@anthropic-ai/sdk` with the SSRF-safe fetch and no SDK retries. Loaded on
 * first use: a worker whose runs never call Anthropic does not hold the SDK.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { SafeFetch } from '../sdk/types.ts';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export async function createAnthropicClient(opts: { apiKey: string; baseUrl?: string | undefined; apiVersion?: string | undefined; fetch: SafeFetch; timeoutMs?: number }): Promise<Anthropic> {
  const { default: AnthropicSdk } = await import('@anthropic-ai/sdk');
  return new AnthropicSdk({
    apiKey: opts.apiKey,
    baseURL: (opts.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/$/, ''),
    fetch: opts.fetch as never,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 120_000,
    ...(opts.apiVersion ? { defaultHeaders: { 'anthropic-version': opts.apiVersion } } : {}),
  });
}
