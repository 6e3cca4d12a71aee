/**
 * All activities, built from injected dependencies. Workflows proxy the type
 * `Activities`; the worker registers the object `createActivities(deps)` returns.
 */
import type { Logger } from '../src/logger.ts';
import type { Config } from '../src/config.ts';
import type { Orm } from '../src/db/orm.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { createSelfCheckActivities } from './self-check.ts';
import { createAutomationActivities } from './automations.ts';
import { createAutomationSubscriptions } from '../src/automations/resolver.ts';
import { createRagActivities } from './rag.ts';
import { createMcpActivities } from './mcp.ts';
import { createLlmActivities } from './llm.ts';
import { createConnectorActionActivities } from './connector-action.ts';
import { createEventRoutingActivities, type SubscriptionResolver } from './event-routing.ts';

export interface ActivityDeps {
  config: Config;
  orm: Orm;
  logger: Logger;
  keyring: Keyring;
  connectors: ConnectorRegistry;
  /** Which automations subscribe to an event (default: none). */
  subscriptions?: SubscriptionResolver | undefined;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSelfCheckActivities(deps),
    ...createAutomationActivities(deps),
    ...createRagActivities(deps),
    ...createMcpActivities(deps),
    ...createLlmActivities(deps),
    ...createConnectorActionActivities(deps),
    ...createEventRoutingActivities({ subscriptions: deps.subscriptions ?? createAutomationSubscriptions(deps) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
