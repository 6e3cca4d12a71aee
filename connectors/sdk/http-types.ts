/**
 * The SSRF-guarded HTTP client connector code receives (`ctx.http`), on its own so the
 * capability modules (capabilities.ts, vector-store.ts) and types.ts share it without
 * importing each other.
 */

/**
 * A `fetch` that refuses non-public destinations (src/security/ssrf.ts).
 *
 * @example
 * const res = await ctx.http.fetch('https://api.acme.test/v1/items', { timeoutMs: 5_000 });
 */
export type SafeFetch = (input: string | URL, init?: RequestInit & { timeoutMs?: number; maxResponseBytes?: number }) => Promise<Response>;

/**
 * JSON/text HTTP helper over {@link SafeFetch} that maps failures to `ConnectorError`s.
 *
 * @example
 * const { body } = await ctx.http.request<{ id: string }>({ method: 'POST', url: `${ctx.config.baseUrl}/items`, json: { name: 'a' } });
 */
export interface HttpClient {
  fetch: SafeFetch;
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /**
   * Resolves a host for a non-HTTP connection (SMTP, PostgreSQL) under the same SSRF
   * policy; connect to the returned address (host name as TLS servername). Throws
   * `ConnectorError('SSRF_BLOCKED')`.
   */
  resolveHost(host: string): Promise<{ address: string; family: number }>;
}

/**
 * One request of {@link HttpClient.request}.
 *
 * @example
 * const req: HttpRequest = { method: 'GET', url: 'https://api.acme.test/v1/me', headers: { authorization: `Bearer ${ctx.secrets.token}` } };
 */
export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON unless it is a string/Uint8Array/URLSearchParams. */
  body?: unknown;
  timeoutMs?: number;
  /** Do not throw on non-2xx: return the response (the `http` connector does this). */
  allowErrorStatus?: boolean;
}

/**
 * The answer of {@link HttpClient.request}: status, headers and the parsed body.
 *
 * @example
 * const res: HttpResponse<{ ok: boolean }> = await ctx.http.request({ url: `${ctx.config.baseUrl}/ping` }); // res.status, res.body.ok
 */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else text. */
  body: T;
}
