/**
 * Finds the provider of a capability (`llm`, `embeddings`) for a stored connection:
 * any connector of the registry — built-in or from SWITCHBOARD_CONNECTOR_PACKAGES —
 * whose definition has it. The connection is loaded, decrypted and validated against
 * its connector's schemas here, inside the activity or API call that needs it, and
 * the provider gets the SSRF-guarded HTTP client. Errors leave scrubbed of secrets.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { ConnectorRegistry } from '../../connectors/registry.ts';
import type { EmbeddingsCapability, LlmCapability, ProviderContext } from '../../connectors/sdk/capabilities.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { buildHttp, prepareConnection } from '../connector-host/run-action.ts';
import type { Keyring } from '../security/crypto.ts';
import type { Redactor } from '../security/redact.ts';
import type { Outbound } from '../security/outbound.ts';

export interface ProviderDeps {
  keyring: Keyring;
  /** The process's outbound client (services.outbound). */
  outbound: Outbound;
  connectors: ConnectorRegistry;
}

interface Capabilities {
  llm: LlmCapability;
  embeddings: EmbeddingsCapability;
}

export type CapabilityName = keyof Capabilities;

/** Why `connector` cannot serve `capability`, naming the connectors that can. */
export function missingCapability(connectors: ConnectorRegistry, capability: CapabilityName, connectionId: string, connector: string, needer: string): string {
  const able = connectors.withCapability(capability);
  return `connection ${connectionId} is a ${connector} connection; ${needer} needs a connection whose connector provides ${capability} (${able.length ? able.join(', ') : 'none installed'})`;
}

export interface Provider<K extends CapabilityName> {
  /** The connector key (error texts, `runChat`/`runEmbed`). */
  connector: string;
  capability: Capabilities[K];
  ctx: ProviderContext;
  redactor: Redactor;
}

/** The `capability` of connection `connectionId` (`byName`: or of the connection with that name), ready to call. */
export async function providerOf<K extends CapabilityName>(
  deps: ProviderDeps,
  em: EntityManager,
  connectionId: string,
  capability: K,
  needer: string,
  signal: AbortSignal = new AbortController().signal,
  opts: { byName?: boolean } = {},
): Promise<Provider<K>> {
  const prepared = await prepareConnection(em, deps.keyring, deps.connectors, connectionId, { byName: opts.byName ?? false });
  const found = prepared.connector.capabilities?.[capability] as Capabilities[K] | undefined;
  if (!found) throw new ConnectorError('CONFIG_INVALID', missingCapability(deps.connectors, capability, connectionId, prepared.connector.key, needer));
  const http = buildHttp(prepared, deps.outbound.fetch, deps.outbound.resolveHost, signal);
  return { connector: prepared.connector.key, capability: found, ctx: { config: prepared.config, secrets: prepared.secrets, http, signal }, redactor: prepared.redactor };
}

/** Runs `fn`; a ConnectorError leaves with every secret value of the connection scrubbed from its message. */
export async function scrubbingSecrets<T>(redactor: Redactor, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError) {
      const message = redactor.scrub(err.message);
      if (message !== err.message) throw new ConnectorError(err.code, message, { ...err.options, cause: undefined });
    }
    throw err;
  }
}
