/**
 * The long-lived parts of a process, built once at start-up (`createServices`) and
 * handed to the API, the worker and the CLI. Later features add their own members here.
 */
import type { Config } from './config.ts';
import type { Orm } from './db/orm.ts';
import type { Logger } from './logger.ts';
import type { Keyring } from './security/crypto.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { TemporalHandle } from './temporal/client.ts';
import type { Tracing } from './telemetry/tracing.ts';
import { createOutbound, type Outbound } from './security/outbound.ts';
import { createConnectionCache, type ConnectionCache } from './connections/cache.ts';
import { ConnectionRateLimits } from './connections/rate-limits.ts';
import { InboundRateLimiter } from './security/inbound-rate-limit.ts';
import { createApiKeyPrincipals, type ApiKeyPrincipals } from './security/api-key-store.ts';
import { AutomationSubscriptions } from './automations/resolver.ts';
import { IdempotentStarter } from './temporal/idempotent-start.ts';

export interface Services {
  config: Config;
  logger: Logger;
  orm: Orm;
  /** Encrypts and decrypts secrets at rest. */
  keyring: Keyring;
  connectors: ConnectorRegistry;
  temporal: TemporalHandle;
  /** OpenTelemetry tracing, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: Tracing | undefined;
  /** The SSRF-safe fetch and resolver every outbound call goes through (one parsed allow list). */
  outbound: Outbound;
  /** Decrypted connections for the webhook hot path; the connections API invalidates entries. */
  connectionCache: ConnectionCache;
  /** Which connections have an outbound rate limit (starters route actions by it, the worker polls by it); saving a connection invalidates it. */
  connectionRateLimits: ConnectionRateLimits;
  /** Inbound counters per API key and webhook connection (in Redis when SWITCHBOARD_REDIS_URL is set). */
  inboundRateLimiter: InboundRateLimiter;
  /** Principals of stored API keys for a few seconds; the keys API invalidates it on a revocation. */
  apiKeyPrincipals: ApiKeyPrincipals;
  /** Which automations an event starts (webhook intake and the event router's activities); saving an automation invalidates it. */
  subscriptions: AutomationSubscriptions;
  /** Idempotent workflow starts through `temporal.client` (runs, re-drives, actions, re-deliveries). */
  starter: IdempotentStarter;
  /** Temporal Web UI, when one runs (dev). */
  temporalUiUrl?: string | undefined;
}

/** The parts a caller opens itself; {@link createServices} builds the rest from them. */
export type ServiceParts = Omit<Services, 'outbound' | 'connectionCache' | 'connectionRateLimits' | 'inboundRateLimiter' | 'apiKeyPrincipals' | 'subscriptions' | 'starter'>;

/**
 * Builds the shared members (outbound client, caches, rate limits, starter) once from the parts.
 *
 * @example
 * const services = createServices({ config, logger, orm, keyring, connectors, temporal });
 */
export function createServices(parts: ServiceParts): Services {
  return {
    ...parts,
    outbound: createOutbound(parts.config.ssrfAllow),
    connectionCache: createConnectionCache(parts.orm, parts.keyring),
    connectionRateLimits: new ConnectionRateLimits(parts.orm, parts.connectors, parts.config.temporal.taskQueue),
    inboundRateLimiter: new InboundRateLimiter(parts.config.redisUrl),
    apiKeyPrincipals: createApiKeyPrincipals(parts.orm),
    subscriptions: new AutomationSubscriptions(parts.orm, parts.logger),
    starter: new IdempotentStarter(parts.temporal.client),
  };
}

/**
 * The same services on another Temporal handle (a second client, or one that cannot reach
 * Temporal): the starter follows the handle, so no start goes through the old client.
 */
export function withTemporal(services: Services, temporal: TemporalHandle): Services {
  return { ...services, temporal, starter: new IdempotentStarter(temporal.client) };
}
