/**
 * Maps failures of the provider SDKs (openai, @anthropic-ai/sdk, MCP) to
 * {@link ConnectorError}s with our codes and the provider's Retry-After.
 */
import { ConnectorError, codeForHttpStatus } from './errors.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { HttpResponse } from './types.ts';

interface HttpishError {
  status?: number;
  /** MCP's StreamableHTTPError carries the HTTP status as `code`. */
  code?: unknown;
  headers?: Headers | Record<string, string | null | undefined>;
  message?: string;
  name?: string;
}

function header(headers: HttpishError['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string | undefined>)[name] ?? undefined;
}

/** Milliseconds from a `retry-after-ms` (OpenAI) or `Retry-After` (seconds or HTTP date) header. */
export function retryAfterMs(headers: HttpishError['headers'], now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  return parseRetryAfter(header(headers, 'retry-after'), now);
}

/** Converts any provider failure to a ConnectorError (unknown errors: TRANSIENT_NETWORK). */
export function toConnectorError(err: unknown, what: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = (err ?? {}) as HttpishError;
  const status = typeof e.status === 'number' ? e.status : typeof e.code === 'number' && e.code >= 400 && e.code < 600 ? e.code : undefined;
  if (status !== undefined) {
    const code = codeForHttpStatus(status) ?? 'UPSTREAM_5XX';
    const wait = retryAfterMs(e.headers);
    return new ConnectorError(code, `${what} answered ${status}: ${shorten(e.message ?? '')}`, {
      status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || /timed? ?out/i.test(e.message ?? '')) {
    return new ConnectorError('TIMEOUT', `${what} timed out`, { cause: err });
  }
  // A cause chain may hold a ConnectorError from the outbound fetch (SSRF_BLOCKED).
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof ConnectorError) return cause;
  return new ConnectorError('TRANSIENT_NETWORK', `${what} failed: ${shorten(e.message ?? String(err))}`, { cause: err });
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Throws the connector error of a non-2xx answer fetched with `allowErrorStatus`: the code
 * its status stands for and its `Retry-After`, but no body text (it may echo credentials).
 *
 * @example
 * expectOkAnswer(res, 'Qdrant upsert'); // a 503 throws UPSTREAM_5XX "Qdrant upsert answered 503"
 */
export function expectOkAnswer(res: Pick<HttpResponse, 'status' | 'headers'>, what: string): void {
  if (res.status < 300) return;
  const wait = parseRetryAfter(res.headers['retry-after']);
  throw new ConnectorError(codeForHttpStatus(res.status) ?? 'UPSTREAM_5XX', `${what} answered ${res.status}`, {
    status: res.status,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  });
}
