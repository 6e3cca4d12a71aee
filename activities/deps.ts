/**
 * What every activity factory receives. Lives apart from `activities/index.ts` so the
 * factories can name it without importing the module that imports them.
 */
import type { Logger } from '../src/logger.ts';
import type { Config } from '../src/config.ts';
import type { Orm } from '../src/db/orm.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { Outbound } from '../src/security/outbound.ts';
import type { ConnectionCache } from '../src/connections/cache.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { SubscriptionResolver } from './event-routing.ts';
import type { OAuthTokenDeps } from '../src/connections/oauth/tokens.ts';
import type { ConnectionRateLimits } from '../src/connections/rate-limits.ts';

export interface ActivityDeps {
  config: Config;
  orm: Orm;
  logger: Logger;
  keyring: Keyring;
  connectors: ConnectorRegistry;
  /** The process's outbound HTTP client (services.outbound). */
  outbound: Outbound;
  /** The process's connection cache (services.connectionCache); without it every action reads the database. */
  connectionCache?: ConnectionCache | undefined;
  /** Rate-limited connections (services.connectionRateLimits): runs that load their definition get its `actionQueues`. */
  connectionRateLimits?: ConnectionRateLimits | undefined;
  /** Which automations subscribe to an event (services.subscriptions; default: a resolver of these activities' own). */
  subscriptions?: SubscriptionResolver | undefined;
}

/** What the OAuth token refresh needs of the activity deps (a fresh EntityManager per call). */
export function oauthTokenDeps(deps: ActivityDeps): OAuthTokenDeps {
  return { em: () => deps.orm.em.fork(), keyring: deps.keyring, fetch: deps.outbound.fetch, onRefreshed: (id) => deps.connectionCache?.invalidate(id) };
}
