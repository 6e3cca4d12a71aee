/** The official `@anthropic-ai/sdk` with the SSRF-safe fetch and no SDK retries. */
import Anthropic from '@anthropic-ai/sdk';
import type { SafeFetch } from '../sdk/types.ts';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export function createAnthropicClient(opts: { apiKey: string; baseUrl?: string | undefined; apiVersion?: string | undefined; fetch: SafeFetch; timeoutMs?: number }): Anthropic {
  return new Anthropic({
    apiKey: opts.apiKey,
    baseURL: (opts.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/$/, ''),
    fetch: opts.fetch as never,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 120_000,
    ...(opts.apiVersion ? { defaultHeaders: { 'anthropic-version': opts.apiVersion } } : {}),
  });
}
