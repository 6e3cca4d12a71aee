/**
 * The outbound HTTP client of a process, built once (src/services.ts) from one parsed
 * `SWITCHBOARD_SSRF_ALLOW` list: the SSRF-safe fetch for every outbound call
 * (connector actions and tests, LLM and embedding base URLs, MCP servers, RAG
 * documents) and the resolver for non-HTTP connections. Activities and the API
 * receive it; nothing builds its own.
 */
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import { createSafeFetch, createSafeResolver, type SafeResolver } from './ssrf.ts';
import { parseAllowList, type SsrfAllowList } from './ssrf-policy.ts';

export interface Outbound {
  /** `SWITCHBOARD_SSRF_ALLOW`, parsed once for the fetch and the resolver. */
  readonly allow: SsrfAllowList;
  /** SSRF-safe fetch (30 s per call unless the call passes `timeoutMs`). */
  readonly fetch: SafeFetch;
  /** Resolves a host under the same policy for non-HTTP connections (SMTP, PostgreSQL). */
  readonly resolveHost: SafeResolver;
}

/**
 * Builds the outbound client from the configured allow list.
 *
 * @example
 * const outbound = createOutbound(config.ssrfAllow);
 * const res = await outbound.fetch('https://api.github.com/zen');
 */
export function createOutbound(allowEntries: readonly string[]): Outbound {
  const allow = parseAllowList(allowEntries);
  return { allow, fetch: createSafeFetch({ allow }), resolveHost: createSafeResolver({ allow }) };
}
