/**
 * The one door for outbound HTTP of the AI features (MCP client transports, URL
 * documents, LLM and embedding base URLs): the SSRF-safe fetch, so private addresses
 * are refused unless `SWITCHBOARD_SSRF_ALLOW` admits them.
 */
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import type { Config } from '../config.ts';
import { createSafeFetch } from '../security/ssrf.ts';

const cache = new WeakMap<readonly string[], SafeFetch>();

/** A fetch for outbound calls, honouring `SWITCHBOARD_SSRF_ALLOW` (one per allow list). */
export function outboundFetch(config: Pick<Config, 'ssrfAllow'>): SafeFetch {
  let f = cache.get(config.ssrfAllow);
  if (!f) {
    f = createSafeFetch({ allow: config.ssrfAllow });
    cache.set(config.ssrfAllow, f);
  }
  return f;
}
