/**
 * Fetches a URL document through the outbound (SSRF-guarded) fetch with a size limit
 * and reduces HTML to plain text.
 */
import { ConnectorError, codeForHttpStatus } from '../../connectors/sdk/errors.ts';
import type { SafeFetch } from '../../connectors/sdk/types.ts';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** Reads a response body, failing once it passes `maxBytes`. */
export async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > maxBytes) throw new ConnectorError('INVALID_INPUT', `document is ${length} bytes; the limit is ${maxBytes}`);
  if (!res.body) return '';
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += part.byteLength;
    if (total > maxBytes) throw new ConnectorError('INVALID_INPUT', `document is larger than ${maxBytes} bytes`);
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** HTML to readable text: no link targets or images, headings kept as lines (html-to-text, loaded on first use). */
export async function htmlToText(html: string): Promise<string> {
  const { convert } = await import('html-to-text');
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
    ],
  });
}

/** Fetches a document and returns its text. Throws ConnectorError with an HTTP-derived code. */
export async function fetchDocumentText(fetchImpl: SafeFetch, url: string, maxBytes = MAX_DOCUMENT_BYTES): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(url, { timeoutMs: 30_000, maxResponseBytes: maxBytes, headers: { accept: 'text/html, text/plain, text/markdown, application/json;q=0.5' } });
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    throw new ConnectorError('TRANSIENT_NETWORK', `could not fetch ${url}: ${(err as Error).message}`, { cause: err });
  }
  const code = codeForHttpStatus(res.status);
  if (code) throw new ConnectorError(code, `fetching ${url} answered ${res.status}`, { status: res.status });
  const type = (res.headers.get('content-type') ?? 'text/plain').toLowerCase();
  const body = await readLimited(res, maxBytes);
  if (type.includes('html')) return htmlToText(body);
  if (type.startsWith('text/') || type.includes('json') || type.includes('xml')) return body;
  throw new ConnectorError('INVALID_INPUT', `unsupported document content type ${type}`);
}
