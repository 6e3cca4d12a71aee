/**
 * The {@link HttpClient} connector actions receive: JSON/text requests over the
 * SSRF-safe fetch, with failures mapped to `ConnectorError` codes (status →
 * `codeForHttpStatus`, `Retry-After` → `retryAfterMs`, timeouts → `TIMEOUT`, network
 * → `TRANSIENT_NETWORK`) and secret values scrubbed from every message.
 */
import { codeForHttpStatus, ConnectorError } from '../../connectors/sdk/errors.ts';
import type { HttpClient, HttpRequest, HttpResponse, SafeFetch } from '../../connectors/sdk/types.ts';
import { parseRetryAfter } from '../../connectors/sdk/retry-after.ts';
import { Redactor } from '../security/redact.ts';

export { parseRetryAfter };

export interface HttpClientOptions {
  fetch: SafeFetch;
  /** Guarded resolver for non-HTTP connections (services.outbound.resolveHost). */
  resolveHost: HttpClient['resolveHost'];
  /** Aborts every request (the activity's cancellation signal). */
  signal?: AbortSignal;
  /** Per-request deadline unless the request sets `timeoutMs`. Default 30 s. */
  timeoutMs?: number;
  redactor?: Redactor;
}

function buildUrl(req: HttpRequest): URL {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

function encodeBody(body: unknown, headers: Headers): RequestInit['body'] {
  if (body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof URLSearchParams || body instanceof ArrayBuffer) return body as RequestInit['body'];
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return JSON.stringify(body);
}

/** The most useful error text of a provider's error body (Slack, GitHub, Stripe, Jira, Telegram shapes). */
export function providerErrorText(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const nested = b['error'] && typeof b['error'] === 'object' ? (b['error'] as Record<string, unknown>)['message'] : undefined;
  const jira = Array.isArray(b['errorMessages']) ? (b['errorMessages'] as unknown[]).join('; ') : undefined;
  const text = nested ?? b['message'] ?? b['description'] ?? jira ?? (typeof b['error'] === 'string' ? b['error'] : undefined);
  return typeof text === 'string' ? text.slice(0, 300) : JSON.stringify(body).slice(0, 300);
}

function toConnectorError(err: unknown, target: string, signal: AbortSignal | undefined): unknown {
  if (err instanceof ConnectorError) return err;
  if (signal?.aborted) return err; // cancellation: let the activity see it as such
  const name = (err as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new ConnectorError('TIMEOUT', `request to ${target} timed out`);
  return new ConnectorError('TRANSIENT_NETWORK', `request to ${target} failed: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * Credentials a connector derives from its secrets (a Basic `user:password` pair, a token
 * read from config) are not secret values themselves, so the redactor learns them from
 * what is actually sent: a provider that echoes the Authorization header or the URL's
 * userinfo in an error cannot leak them into errors or logs.
 */
function scrubSentCredentials(redactor: Redactor, headers: Headers, url: URL): void {
  const auth = headers.get('authorization')?.trim();
  const match = auth ? /^(\S+)\s+(\S+)$/.exec(auth) : null;
  if (match) {
    const [, scheme, credential] = match as unknown as [string, string, string];
    redactor.add(credential);
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      redactor.add(decoded, ...decoded.split(':').slice(1).filter(Boolean));
    }
  } else if (auth) redactor.add(auth);
  if (url.password) redactor.add(decodeURIComponent(url.password), url.password);
}

/**
 * Builds the client.
 *
 * @example
 * const http = createHttpClient({ fetch: services.outbound.fetch, resolveHost: services.outbound.resolveHost });
 * const { body } = await http.request<{ ok: boolean }>({ method: 'POST', url, body: { text: 'hi' } });
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const redactor = opts.redactor ?? new Redactor();
  const scrubbed = (e: ConnectorError): ConnectorError =>
    new ConnectorError(e.code, redactor.scrub(e.message), { ...e.options, cause: undefined, details: redactor.scrubDeep(e.options.details) });

  return {
    fetch: opts.fetch,
    async resolveHost(host) {
      try {
        return await opts.resolveHost(host);
      } catch (err) {
        throw err instanceof ConnectorError ? scrubbed(err) : err;
      }
    },
    async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
      const method = req.method ?? 'GET';
      const url = buildUrl(req);
      const target = redactor.scrub(`${method} ${url.origin}${url.pathname}`);
      const headers = new Headers(req.headers);
      scrubSentCredentials(redactor, headers, url);
      if (!headers.has('accept')) headers.set('accept', 'application/json, text/plain;q=0.9, */*;q=0.5');
      const body = encodeBody(req.body, headers);
      let status: number;
      let resHeaders: Record<string, string>;
      let parsed: unknown;
      try {
        const res = await opts.fetch(url, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          timeoutMs: req.timeoutMs ?? opts.timeoutMs ?? 30_000,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        status = res.status;
        resHeaders = Object.fromEntries(res.headers);
        const text = await res.text();
        const type = res.headers.get('content-type') ?? '';
        parsed = text;
        if (/[/+]json\b/i.test(type) && text) {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
        }
      } catch (err) {
        const mapped = toConnectorError(err, target, opts.signal);
        throw mapped instanceof ConnectorError ? scrubbed(mapped) : mapped;
      }
      const code = codeForHttpStatus(status);
      if (code && !req.allowErrorStatus) {
        const retryAfterMs = parseRetryAfter(resHeaders['retry-after']);
        const detail = providerErrorText(parsed);
        throw scrubbed(
          new ConnectorError(code, `${target} answered ${status}${detail ? `: ${detail}` : ''}`, {
            status,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          }),
        );
      }
      return { status, headers: resHeaders, body: parsed as T };
    },
  };
}
