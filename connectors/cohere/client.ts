/**
 * Cohere's REST API over the connection's HTTP client: Bearer auth, JSON, answers
 * checked against the documented shape. Non-2xx answers are mapped by the HTTP client
 * (429 + Retry-After → RATE_LIMITED, 401 → AUTH_FAILED, 400/422 → INVALID_INPUT,
 * 5xx → UPSTREAM_5XX), with Cohere's `message` in the error text.
 */
import type { ZodType } from 'zod';
import type { ProviderContext } from '../sdk/capabilities.ts';
import { ConnectorError } from '../sdk/errors.ts';
import { COHERE_DEFAULT_BASE_URL, type CohereConfig, type CohereSecrets } from './schemas.ts';

/** Cohere answered 2xx with a body that is not the documented shape: a retry would not change it. */
export class CohereAnswerInvalid extends ConnectorError {
  constructor(path: string, issue: string) {
    super('UPSTREAM_5XX', `Cohere ${path} answered an unexpected body: ${issue}`);
  }
  override get retryable(): boolean {
    return false;
  }
}

export type CohereContext = Pick<ProviderContext<CohereConfig, CohereSecrets>, 'config' | 'secrets' | 'http'>;

/** One call of Cohere's API; the answer must parse with `schema`. */
export async function callCohere<T>(ctx: CohereContext, path: string, body: unknown, schema: ZodType<T>): Promise<T> {
  const base = (ctx.config.baseUrl ?? COHERE_DEFAULT_BASE_URL).replace(/\/$/, '');
  const res = await ctx.http.request({
    method: 'POST',
    url: `${base}${path}`,
    headers: { authorization: `Bearer ${ctx.secrets.apiKey}`, accept: 'application/json', 'x-client-name': 'switchboard' },
    body,
    timeoutMs: 120_000,
  });
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) throw new CohereAnswerInvalid(path, `${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
