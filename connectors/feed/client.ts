/** Fetches and parses an RSS or Atom feed through the connection's SSRF-guarded HTTP client (rss-parser loaded on the first poll). */
import type Parser from 'rss-parser';
import { ConnectorError } from '../sdk/errors.ts';
import type { HttpClient } from '../sdk/types.ts';
import type { FeedSecrets } from './schemas.ts';

/** One feed item as runs see it (`trigger.payload`). */
export interface FeedItem {
  id: string;
  title: string | null;
  link: string | null;
  published: string | null;
  author: string | null;
  summary: string | null;
  categories: string[];
}

function authHeaders(secrets: FeedSecrets): Record<string, string> {
  if (secrets.bearerToken) return { authorization: `Bearer ${secrets.bearerToken}` };
  if (secrets.basicAuth) return { authorization: `Basic ${Buffer.from(`${secrets.basicAuth.username}:${secrets.basicAuth.password}`).toString('base64')}` };
  return {};
}

export async function fetchFeed(http: HttpClient, secrets: FeedSecrets, url: string): Promise<FeedItem[]> {
  const res = await http.request<string>({
    method: 'GET',
    url,
    headers: { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8', ...authHeaders(secrets) },
  });
  // Errors are the HTTP client's: 401 AUTH_FAILED, 429 RATE_LIMITED with Retry-After, 5xx UPSTREAM_5XX.
  let feed: Awaited<ReturnType<Parser['parseString']>>;
  try {
    const { default: RssParser } = await import('rss-parser');
    feed = await new RssParser().parseString(String(res.body));
  } catch (err) {
    throw new ConnectorError('INVALID_INPUT', `feed ${url} is not RSS or Atom: ${(err as Error).message}`);
  }
  return feed.items.map((item) => {
    const raw = item as Record<string, unknown>;
    const id = String(item.guid ?? raw['id'] ?? item.link ?? item.title ?? '');
    return {
      id,
      title: item.title ?? null,
      link: item.link ?? null,
      published: item.isoDate ?? null,
      author: item.creator ?? (typeof raw['author'] === 'string' ? raw['author'] : null),
      summary: item.contentSnippet ?? item.summary ?? null,
      categories: item.categories ?? [],
    };
  });
}
