/**
 * Routing at intake: which automations a verified webhook event starts, answered in
 * the API process from a short-lived per-connection cache of the webhook automations
 * and their current definitions. The intake then starts the runs itself, each with its
 * pinned definition in the input, instead of an event workflow plus a lookup activity
 * per event (see bench/README.md).
 *
 * Saving or deleting an automation through `AutomationService` drops the cache of its
 * ORM at once; other processes (a second `switchboard api`, `automations apply` from
 * the CLI) see a change within the TTL. While the database is unreachable, a connection's
 * subscriptions loaded in the last 5 minutes keep routing its events.
 */
import type { Orm } from '../db/orm.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { Automation, AutomationVersion } from '../db/entities/index.ts';
import type { Logger } from '../logger.ts';
import { eventWorkflowId, runWorkflowId } from '../temporal/constants.ts';
import type { IdempotentStartOptions } from '../temporal/idempotent-start.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import type { AutomationRunInput, NormalizedEvent, PinnedDefinition } from '../../workflows/contracts.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import { subscribesTo } from './resolver.ts';

/** An automation an event starts, with the version it is pinned to. */
export interface RouteTarget {
  automationId: string;
  version: number;
  pinned: PinnedDefinition;
}

interface Entry {
  expires: number;
  value: Promise<RouteTarget[]>;
}

/** Memo key of an event workflow: the disabled automations that subscribed to the event (they started nothing). */
export const DISABLED_AUTOMATIONS_MEMO = 'disabledAutomations';

/** Default time a connection's subscriptions are reused. */
export const SUBSCRIPTION_CACHE_TTL_MS = 2_000;
/** How long loaded subscriptions may stand in for a reload that fails because the database is unreachable. */
export const SUBSCRIPTION_STALE_MS = 5 * 60_000;

export class SubscriptionCache {
  private readonly entries = new Map<string, Entry>();
  /** The last subscriptions loaded per connection and when, for a reload that fails with the database down. */
  private readonly lastGood = new Map<string, { at: number; value: RouteTarget[] }>();

  constructor(
    private readonly orm: Orm,
    private readonly logger?: Logger,
    private readonly ttlMs = SUBSCRIPTION_CACHE_TTL_MS,
  ) {}

  /** The enabled automations (pinned current versions) subscribed to `event`, in creation order. */
  async match(event: NormalizedEvent): Promise<RouteTarget[]> {
    return (await this.route(event)).targets;
  }

  /** The enabled subscribers (`targets`) and the ids of disabled ones (`disabled`: they start nothing). */
  async route(event: NormalizedEvent): Promise<{ targets: RouteTarget[]; disabled: string[] }> {
    const candidates = await this.candidates(event.source.connectionId);
    const targets: RouteTarget[] = [];
    const disabled: string[] = [];
    for (const c of candidates) {
      const def = c.pinned.definition as unknown as AutomationDefinition;
      if (!(await subscribesTo(def, event, c.automationId, this.logger))) continue;
      if (def.enabled === false) disabled.push(c.automationId);
      else targets.push(c);
    }
    return { targets, disabled };
  }

  /** Drops everything (after an automation was saved or deleted). */
  invalidate(): void {
    this.entries.clear();
    this.lastGood.clear();
  }

  private candidates(connectionId: string): Promise<RouteTarget[]> {
    const now = Date.now();
    const hit = this.entries.get(connectionId);
    if (hit && hit.expires > now) return hit.value;
    const entry: Entry = { expires: now + this.ttlMs, value: this.loadOrStale(connectionId, now) };
    this.entries.set(connectionId, entry);
    entry.value.catch(() => this.entries.get(connectionId) === entry && this.entries.delete(connectionId));
    return entry.value;
  }

  private async loadOrStale(connectionId: string, now: number): Promise<RouteTarget[]> {
    try {
      const value = await this.load(connectionId);
      this.lastGood.set(connectionId, { at: now, value });
      return value;
    } catch (err) {
      const stale = this.lastGood.get(connectionId);
      if (!stale || !isDatabaseUnavailable(err) || now - stale.at > SUBSCRIPTION_STALE_MS) throw err;
      this.logger?.warn({ connectionId, err: (err as Error).message }, 'database unavailable: routing with the subscriptions loaded before');
      return stale.value;
    }
  }

  private async load(connectionId: string): Promise<RouteTarget[]> {
    const em = this.orm.em.fork();
    const automations = await em.find(Automation, { webhookConnectionId: connectionId, triggerType: 'webhook', deletedAt: null }, { orderBy: { createdAt: 'asc' } });
    if (automations.length === 0) return [];
    const versions = await em.find(AutomationVersion, { $or: automations.map((a) => ({ automationId: a.id, version: a.currentVersion })) });
    const byId = new Map(versions.map((v) => [v.automationId, v]));
    const out: RouteTarget[] = [];
    for (const a of automations) {
      const definition = byId.get(a.id)?.definition;
      if (!definition) continue;
      out.push({ automationId: a.id, version: a.currentVersion, pinned: { name: String(definition['name']), definition } });
    }
    return out;
  }
}

const caches = new WeakMap<Orm, SubscriptionCache>();

/** The routing cache of an ORM (one per process and database). */
export function subscriptionCacheFor(orm: Orm, logger?: Logger): SubscriptionCache {
  let cache = caches.get(orm);
  if (!cache) {
    cache = new SubscriptionCache(orm, logger);
    caches.set(orm, cache);
  }
  return cache;
}

/** Drops the routing cache of an ORM, if it has one. */
export function invalidateSubscriptions(orm: Orm): void {
  caches.get(orm)?.invalidate();
}

/**
 * Start options of a webhook-triggered run, as the intake starts it: the id the event
 * router would have given it (`run:<automationId>:wh:<connector>:<connectionId>:<deliveryId>`),
 * the pinned definition in the input, and every search attribute as a start option; with
 * `approvalLinksFor`, the signed links of its approval steps (src/automations/links.ts).
 */
export function webhookRunStartOptions(
  event: NormalizedEvent,
  target: RouteTarget,
  taskQueue: string,
  actionQueues?: Record<string, string>,
  approvalLinksFor?: (workflowId: string, definition: Record<string, unknown>) => Record<string, unknown> | undefined,
): IdempotentStartOptions & { workflowId: string } {
  const eventId = eventWorkflowId(event.source.connector, event.source.connectionId, event.id);
  const workflowId = runWorkflowId(target.automationId, eventId);
  const approvalLinks = approvalLinksFor?.(workflowId, target.pinned.definition);
  const args: AutomationRunInput = {
    automationId: target.automationId,
    version: target.version,
    input: event.payload,
    trigger: { type: 'webhook', event },
    pinned: target.pinned,
    attributesAtStart: true,
    ...(actionQueues ? { actionQueues } : {}),
    ...(approvalLinks ? { approvalLinks } : {}),
  };
  return {
    taskQueue,
    workflowId,
    args: [args],
    staticSummary: `${target.pinned.name} v${target.version} ← ${event.type}`,
    staticDetails: [
      `**Automation** ${target.pinned.name} (\`${target.automationId}\`), version ${target.version}`,
      `**Trigger** webhook \`${event.type}\``,
      `**Event** \`${event.id}\` from ${event.source.connector} \`${event.source.connectionId}\`, received ${event.receivedAt}`,
    ].join('\n\n'),
    typedSearchAttributes: runSearchAttributes(args),
  };
}
