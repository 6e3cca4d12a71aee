import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { authHeaders, idempotencyHeader, resolveUrl } from '../client.ts';
import type { HttpConfig, HttpSecrets } from '../schemas.ts';

export const request = defineAction({
  description: 'Send an HTTP request (through the SSRF guard) and return status, headers and body',
  input: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).default('GET'),
    url: z.string().min(1).describe('Absolute URL, or relative to the connection baseUrl'),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(1).max(300_000).optional(),
    failOnErrorStatus: z.boolean().default(true).describe('false: return 4xx/5xx responses instead of failing the step'),
  }),
  output: z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.unknown() }),
  idempotent: false,
  async run(ctx, input) {
    const config = ctx.config as HttpConfig;
    const headers = { ...config.defaultHeaders, ...authHeaders(ctx.secrets as HttpSecrets), ...input.headers };
    const res = await ctx.http.request({
      method: input.method,
      url: resolveUrl(config, input.url),
      // Retries of one step send the same key: at-least-once delivery the receiver can dedupe.
      headers: { ...idempotencyHeader(config, input.method, ctx.idempotencyKey, headers), ...headers },
      ...(input.query ? { query: input.query } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
      allowErrorStatus: !input.failOnErrorStatus,
    });
    return { status: res.status, headers: res.headers, body: res.body ?? null };
  },
});
