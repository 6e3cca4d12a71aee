/**
 * The AWS SDK's HTTP layer, replaced by Switchboard's SSRF-safe fetch: every S3 call
 * (and every redirect) goes through the same guard, timeout and response cap as the
 * other connectors, instead of the SDK's own `node:http` agent which would connect
 * anywhere. Signing happens before, in the SDK, over the headers sent here.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { HttpHandlerOptions, HttpRequest as SdkRequest, HttpResponse as SdkResponse, RequestHandler } from '@smithy/types';
import type { SafeFetch } from '../sdk/types.ts';

type S3RequestHandler = RequestHandler<SdkRequest, SdkResponse, HttpHandlerOptions>;

/** Headers the SDK sets that fetch computes itself or refuses; none of them is signed. */
const DROPPED_HEADERS = new Set(['host', 'content-length', 'expect', 'transfer-encoding', 'connection']);

/** RFC 3986 escaping, as SigV4's canonical query uses. */
const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function queryString(query: SdkRequest['query']): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === null || v === undefined) parts.push(escape(k));
    else for (const item of Array.isArray(v) ? v : [v]) parts.push(`${escape(k)}=${escape(String(item))}`);
  }
  return parts.join('&');
}

async function bodyOf(body: unknown): Promise<Uint8Array | string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`unsupported S3 request body type ${Object.prototype.toString.call(body)}`);
}

/**
 * A request handler for `new S3Client({ requestHandler })` over a {@link SafeFetch}.
 *
 * @example
 * new S3Client({ region, credentials, requestHandler: safeRequestHandler(ctx.http.fetch, { maxResponseBytes }) })
 */
export function safeRequestHandler(fetch: SafeFetch, opts: { timeoutMs?: number; maxResponseBytes?: number } = {}): S3RequestHandler {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request, handlerOpts) {
      const port = request.port ? `:${request.port}` : '';
      const qs = queryString(request.query);
      const url = `${request.protocol}//${request.hostname}${port}${request.path}${qs ? `?${qs}` : ''}`;
      const headers = Object.entries(request.headers).filter(([k]) => !DROPPED_HEADERS.has(k.toLowerCase()));
      const body = await bodyOf(request.body);
      const res = await fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body: body as NonNullable<RequestInit['body']> }),
        ...(handlerOpts?.abortSignal ? { signal: handlerOpts.abortSignal as AbortSignal } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.maxResponseBytes ? { maxResponseBytes: opts.maxResponseBytes } : {}),
      });
      const response: SdkResponse = {
        statusCode: res.status,
        reason: res.statusText,
        headers: Object.fromEntries(res.headers),
        body: res.body ? Readable.fromWeb(res.body as WebReadableStream) : Readable.from([]),
      };
      return { response };
    },
    destroy() {},
  };
}
