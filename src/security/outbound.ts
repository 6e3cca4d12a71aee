/**
 * The outbound HTTP client of a process, built once (src/services.ts) from one parsed
 * `SWITCHBOARD_SSRF_ALLOW` list: the SSRF-safe fetch for every outbound call
 * (connector actions and tests, LLM and embedding base URLs, MCP servers, RAG
 * documents) and the resolver for non-HTTP connections. Activities and the API
 * receive it; nothing builds its own.
 */
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { assertUrlAllowed, createSafeFetch, createSafeResolver, type SafeResolver } from './ssrf.ts';
import { parseAllowList, type SsrfAllowList } from './ssrf-policy.ts';

export interface Outbound {
  /** `SWITCHBOARD_SSRF_ALLOW`, parsed once for the fetch and the resolver. */
  readonly allow: SsrfAllowList;
  /** SSRF-safe fetch (30 s per call unless the call passes `timeoutMs`). */
  readonly fetch: SafeFetch;
  /** Resolves a host under the same policy for non-HTTP connections (SMTP, PostgreSQL). */
  readonly resolveHost: SafeResolver;
  /**
   * Refuses, before any request, a URL the guard would block: its scheme, a literal
   * address, a localhost name, or an address its host resolves to now. A host that does
   * not resolve passes (it may later; the fetch checks again). Throws `SSRF_BLOCKED`.
   */
  assertAllowed(url: string): Promise<void>;
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
  const resolveHost = createSafeResolver({ allow });
  const assertAllowed = async (url: string) => {
    const parsed = new URL(url);
    assertUrlAllowed(parsed, allow);
    await resolveHost(parsed.hostname).catch((err: unknown) => {
      if (err instanceof ConnectorError && err.code === 'SSRF_BLOCKED') throw err;
    });
  };
  return { allow, fetch: createSafeFetch({ allow }), resolveHost, assertAllowed };
}
