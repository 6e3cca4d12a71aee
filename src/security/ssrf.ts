/**
 * The SSRF-safe `fetch` every outbound call of Switchboard goes through (connector
 * actions, LLM base URLs, MCP servers, RAG loaders).
 *
 * - http and https only;
 * - the check runs inside undici's connector: IP literals are judged before the
 *   socket opens, host names by a `lookup` hook that resolves every A/AAAA record,
 *   refuses if any is not public, and hands exactly the checked addresses to the
 *   socket, so a second DNS answer cannot swap in an internal address (rebinding);
 * - redirects are followed by hand (at most `maxRedirects`), each hop through the
 *   same guard; credentials are dropped when a redirect changes origin;
 * - a total timeout per call (connect, headers and body) and a response size cap.
 *
 * `SWITCHBOARD_SSRF_ALLOW` (config.ssrfAllow) admits CIDRs and host names explicitly.
 * A refusal throws `ConnectorError('SSRF_BLOCKED')` (not retried). undici is loaded on a
 * fetch's first call, not when the fetch is built: an idle worker does not hold it.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { Agent, buildConnector, fetch as UndiciFetch } from 'undici';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import { outboundRequests, type HostClass } from '../metrics/metrics.ts';
import { tracedRequest } from '../telemetry/outbound.ts';
import { blockedReason, isHostAllowed, isLocalhostName, normalizeHost, parseAllowList, type SsrfAllowList } from './ssrf-policy.ts';

export { blockedReason, parseAllowList } from './ssrf-policy.ts';

export interface SafeFetchOptions {
  /** CIDRs and host names that may be reached although not public (config.ssrfAllow), raw or parsed. */
  allow?: readonly string[] | SsrfAllowList;
  /** Redirects followed by hand, each re-checked. Default 5. */
  maxRedirects?: number;
  /** Whole-call deadline (connect, headers, body) unless the call passes `timeoutMs`. Default 30 s. */
  timeoutMs?: number;
  /** TCP/TLS connect deadline. Default 10 s. */
  connectTimeoutMs?: number;
  /** Largest response body accepted unless the call passes `maxResponseBytes`. Default 10 MiB. */
  maxResponseBytes?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function allowListOf(allow: SafeFetchOptions['allow']): SsrfAllowList {
  return allow === undefined || Array.isArray(allow) ? parseAllowList(allow as readonly string[] | undefined) : (allow as SsrfAllowList);
}

function blocked(message: string): ConnectorError {
  return new ConnectorError('SSRF_BLOCKED', `SSRF guard: ${message}`);
}

/** Refuses a URL before any socket exists: scheme, literal addresses, localhost names. */
export function assertUrlAllowed(url: URL, allow: SsrfAllowList): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw blocked(`scheme ${url.protocol} is not allowed (http and https only)`);
  if (url.username || url.password) throw blocked('credentials in URLs are not allowed');
  const host = normalizeHost(url.hostname);
  if (isHostAllowed(host, allow)) return;
  if (isIP(host)) {
    const reason = blockedReason(host, allow);
    if (reason) throw blocked(`${url.hostname} is a ${reason}`);
    return;
  }
  if (isLocalhostName(host)) throw blocked(`${url.hostname} is this machine`);
}

/** A `dns.lookup` replacement that only yields public addresses (or allow-listed ones). */
function guardedLookup(allow: SsrfAllowList) {
  return (hostname: string, options: LookupAllOptions | { all?: boolean; family?: number }, callback: (...args: unknown[]) => void): void => {
    const host = normalizeHost(hostname);
    if (isLocalhostName(host) && !isHostAllowed(host, allow)) {
      callback(blocked(`${hostname} is this machine`));
      return;
    }
    dnsLookup(hostname, { all: true, family: options.family ?? 0 } as LookupAllOptions, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      if (!isHostAllowed(host, allow)) {
        for (const a of addresses) {
          const reason = blockedReason(a.address, allow);
          if (reason) return callback(blocked(`${hostname} resolves to ${a.address}, a ${reason}`));
        }
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }));
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** An undici Agent whose every socket passes the guard, and undici's fetch to use it with. */
async function guardedAgent(allow: SsrfAllowList, connectTimeoutMs: number): Promise<{ agent: Agent; fetch: typeof UndiciFetch }> {
  const { Agent, buildConnector, fetch } = await import('undici');
  const connector = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup(allow) } as buildConnector.BuildOptions);
  const agent = new Agent({
    connect: (options, callback) => {
      const host = normalizeHost(options.hostname);
      // net.connect skips `lookup` for IP literals, so they are judged here.
      if (isIP(host) && !isHostAllowed(host, allow)) {
        const reason = blockedReason(host, allow);
        if (reason) {
          callback(blocked(`${options.hostname} is a ${reason}`), null);
          return;
        }
      }
      connector(options, callback);
    },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return { agent, fetch };
}

/** Resolves a host for a non-HTTP connection (SMTP, PostgreSQL) through the same guard. */
export type SafeResolver = (host: string) => Promise<{ address: string; family: number }>;

/**
 * Resolves a host name (or checks an IP literal) under the SSRF policy and returns the
 * one address to connect to: connect to exactly that address (and pass the host name
 * as TLS servername), so DNS cannot answer differently at connect time.
 */
export function createSafeResolver(opts: Pick<SafeFetchOptions, 'allow'> = {}): SafeResolver {
  const allow = allowListOf(opts.allow);
  const lookup = guardedLookup(allow);
  return async (host) => {
    const h = normalizeHost(host);
    const family = isIP(h);
    if (family) {
      const reason = isHostAllowed(h, allow) ? undefined : blockedReason(h, allow);
      if (reason) throw blocked(`${host} is a ${reason}`);
      return { address: h, family };
    }
    return new Promise((resolve, reject) => {
      lookup(h, { all: false }, (err, address, fam) => {
        if (err) reject(findConnectorError(err) ?? new ConnectorError('TRANSIENT_NETWORK', `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`));
        else resolve({ address: address as string, family: fam as number });
      });
    });
  };
}

function findConnectorError(err: unknown): ConnectorError | undefined {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ConnectorError) return e;
  }
  return undefined;
}

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

interface Hop {
  method: string;
  headers: Headers;
  body: RequestInit['body'];
}

/** The next request of a redirect chain, per the fetch standard's rules. */
function nextHop(hop: Hop, status: number, from: URL, to: URL): Hop {
  const headers = new Headers(hop.headers);
  let { method, body } = hop;
  if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
    method = 'GET';
    body = undefined;
    for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language']) headers.delete(h);
  } else if (body instanceof ReadableStream) {
    throw new ConnectorError('INVALID_INPUT', `cannot replay a streamed request body across a ${status} redirect`);
  }
  if (from.origin !== to.origin) for (const h of CREDENTIAL_HEADERS) headers.delete(h);
  return { method, headers, body };
}

function capBody(res: Response, maxBytes: number, url: string): ReadableStream<Uint8Array> | null {
  if (!res.body || NULL_BODY_STATUSES.has(res.status)) return null;
  let total = 0;
  return res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > maxBytes) controller.error(new ConnectorError('INVALID_INPUT', `response from ${url} exceeds ${maxBytes} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Builds the guarded fetch.
 *
 * @example
 * const safeFetch = createSafeFetch({ allow: config.ssrfAllow });
 * const res = await safeFetch('https://api.github.com/zen', { timeoutMs: 5_000 });
 */
export function createSafeFetch(opts: SafeFetchOptions = {}): SafeFetch {
  const allow = allowListOf(opts.allow);
  const maxRedirects = opts.maxRedirects ?? 5;
  const defaultTimeout = opts.timeoutMs ?? 30_000;
  const defaultMaxBytes = opts.maxResponseBytes ?? 10 * 1024 * 1024;
  // Built on the first call (and kept by this fetch): loading undici waits for an outbound call.
  let undici: ReturnType<typeof guardedAgent> | undefined;

  const safeFetch: SafeFetch = async function safeFetch(input, init = {}) {
    const { timeoutMs = defaultTimeout, maxResponseBytes = defaultMaxBytes, signal: userSignal, redirect = 'follow', ...rest } = init;
    // Tolerate Request objects from fetch-typed callers (SDKs) although the type says string | URL.
    const req = typeof input === 'object' && !(input instanceof URL) && 'url' in (input as object) ? (input as unknown as Request) : undefined;
    let url = new URL(req ? req.url : String(input));
    let hop: Hop = {
      method: (rest.method ?? req?.method ?? 'GET').toUpperCase(),
      headers: new Headers(rest.headers ?? req?.headers),
      body: rest.body ?? (req?.body ? await req.arrayBuffer() : undefined),
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = userSignal ? AbortSignal.any([userSignal, timeout]) : timeout;
    const { agent, fetch: undiciFetch } = await (undici ??= guardedAgent(allow, opts.connectTimeoutMs ?? 10_000));

    for (let redirects = 0; ; redirects++) {
      assertUrlAllowed(url, allow);
      let res: Response;
      try {
        const target = url;
        res = await tracedRequest(hop.method, target, async (traceHeaders) => (await undiciFetch(target, {
          ...(rest as object),
          method: hop.method,
          headers: [...hop.headers, ...Object.entries(traceHeaders)],
          body: hop.body as never,
          redirect: 'manual',
          signal,
          dispatcher: agent,
        })) as unknown as Response);
      } catch (err) {
        const known = findConnectorError(err);
        if (known) throw known;
        if (userSignal?.aborted) throw err;
        if (timeout.aborted) throw new ConnectorError('TIMEOUT', `request to ${url.origin} timed out after ${timeoutMs} ms`, { cause: err });
        const code = describeCause(err);
        if (/TIMEOUT/i.test(code)) throw new ConnectorError('TIMEOUT', `connecting to ${url.origin} timed out`, { cause: err });
        throw new ConnectorError('TRANSIENT_NETWORK', `request to ${url.origin} failed: ${code}`, { cause: err });
      }
      const location = res.headers.get('location');
      if (redirect !== 'manual' && REDIRECT_STATUSES.has(res.status) && location) {
        await res.body?.cancel().catch(() => undefined);
        if (redirect === 'error') throw new ConnectorError('INVALID_INPUT', `unexpected redirect from ${url.origin}`);
        if (redirects >= maxRedirects) throw new ConnectorError('INVALID_INPUT', `more than ${maxRedirects} redirects from ${url.origin}`);
        const next = new URL(location, url);
        hop = nextHop(hop, res.status, url, next);
        url = next;
        continue;
      }
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (length > maxResponseBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw new ConnectorError('INVALID_INPUT', `response from ${url.origin} is ${length} bytes, more than the cap of ${maxResponseBytes}`);
      }
      const out = new Response(capBody(res, maxResponseBytes, url.origin), { status: res.status, statusText: res.statusText, headers: [...res.headers] });
      Object.defineProperty(out, 'url', { value: url.href });
      Object.defineProperty(out, 'redirected', { value: redirects > 0 });
      return out;
    }
  };
  return countedFetch(safeFetch, allow);
}

/** The host class of a request's first URL: reached through SWITCHBOARD_SSRF_ALLOW, or public. */
function hostClassOf(input: Parameters<SafeFetch>[0], allow: SsrfAllowList): HostClass {
  try {
    const href = typeof input === 'object' && !(input instanceof URL) && 'url' in (input as object) ? (input as unknown as Request).url : String(input);
    const host = normalizeHost(new URL(href).hostname);
    return isHostAllowed(host, allow) || (isIP(host) !== 0 && blockedReason(host) !== undefined) ? 'allowed_private' : 'public';
  } catch {
    return 'public';
  }
}

/** Counts each call in `switchboard_outbound_requests_total` by host class and final status (or error code). */
function countedFetch(inner: SafeFetch, allow: SsrfAllowList): SafeFetch {
  return async (input, init) => {
    const hostClass = hostClassOf(input, allow);
    try {
      const res = await inner(input, init);
      outboundRequests.inc({ host_class: hostClass, status: String(res.status) });
      return res;
    } catch (err) {
      outboundRequests.inc({ host_class: hostClass, status: err instanceof ConnectorError ? err.code : 'ABORTED' });
      throw err;
    }
  };
}
