/**
 * Which automations an event starts: webhook-triggered automations of the event's
 * connection whose event patterns match its type (`github.issues.opened`,
 * `github.issues.*`, `*`) and whose optional JSONata `filter` is truthy over the
 * event (`payload`, `type`, `source`, `headers`; `input` = payload). Each runs its
 * current version, pinned at routing time.
 */
import type { Orm } from '../db/orm.ts';
import { Automation, AutomationVersion } from '../db/entities/index.ts';
import type { Logger } from '../logger.ts';
import type { SubscriberMatch, SubscriptionResolver } from '../../activities/event-routing.ts';
import type { NormalizedEvent, PinnedDefinition } from '../../workflows/contracts.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { LoadCache } from '../load-cache.ts';
import { collectTargetOf } from './collect.ts';
import { evaluateCondition, type TemplateContext } from '../../workflows/automation/template.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';

/** `*` matches one dotted segment or, at the end, the rest. */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  const p = pattern.split('.');
  const t = type.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*' && i === p.length - 1) return t.length >= p.length;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

/** Whether a webhook automation starts a run for the event: it is enabled and subscribes to it. */
export async function subscriptionMatches(def: AutomationDefinition, event: NormalizedEvent, automationId: string, logger?: Logger): Promise<boolean> {
  return def.enabled !== false && (await subscribesTo(def, event, automationId, logger));
}

/** Whether a webhook automation's definition subscribes to the event (type pattern and `filter`), enabled or not. */
export async function subscribesTo(def: AutomationDefinition, event: NormalizedEvent, automationId: string, logger?: Logger): Promise<boolean> {
  if (def.trigger.type !== 'webhook') return false;
  if (!def.trigger.events.some((p) => eventTypeMatches(p, event.type))) return false;
  if (!def.trigger.filter) return true;
  const ctx = { ...event, event, input: event.payload, trigger: { type: 'webhook', event: event.type, payload: event.payload }, steps: {}, run: {} } as unknown as TemplateContext;
  return evaluateCondition(def.trigger.filter, ctx).then(
    (pass) => Boolean(pass),
    (err: unknown) => {
      logger?.warn({ err, automationId }, 'webhook filter failed; automation not started');
      return false;
    },
  );
}

/** An automation an event starts, with the version it is pinned to. */
export interface RouteTarget {
  automationId: string;
  version: number;
  pinned: PinnedDefinition;
}

/** Default time a connection's subscriptions are reused. */
export const SUBSCRIPTION_CACHE_TTL_MS = 2_000;
/** How long loaded subscriptions may stand in for a reload that fails because the database is unreachable. */
export const SUBSCRIPTION_STALE_MS = 5 * 60_000;

/**
 * The one resolver of subscriptions (`services.subscriptions`, built by `createServices`):
 * webhook intake routes with `route` from the cached webhook automations of the event's
 * connection (reused `ttlMs`), the event router's activities with `find`, which reloads the
 * connection's automations first (an event reaches the event workflow when intake found no
 * subscriber, or one that collects: the worker asks the database again, as it always did).
 * `AutomationService` calls `invalidate` after a save or delete, so this process sees the
 * change at once and other processes within the TTL. While the database is unreachable,
 * subscriptions loaded in the last 5 minutes keep routing.
 */
export class AutomationSubscriptions implements SubscriptionResolver {
  private readonly cache: LoadCache<RouteTarget[]>;

  constructor(
    private readonly orm: Orm,
    private readonly logger?: Logger,
    ttlMs = SUBSCRIPTION_CACHE_TTL_MS,
  ) {
    this.cache = new LoadCache({
      ttlMs,
      staleIfError: isDatabaseUnavailable,
      staleTtlMs: SUBSCRIPTION_STALE_MS,
      onStale: (connectionId, err) => this.logger?.warn({ connectionId, err: (err as Error).message }, 'database unavailable: routing with the subscriptions loaded before'),
    });
  }

  /** The enabled automations (pinned current versions) subscribed to `event`, in creation order. */
  async match(event: NormalizedEvent): Promise<RouteTarget[]> {
    return (await this.route(event)).targets;
  }

  /** The enabled subscribers (`targets`) and the ids of disabled ones (`disabled`: they start nothing), from the cached subscriptions. */
  async route(event: NormalizedEvent, opts: { reload?: boolean } = {}): Promise<{ targets: RouteTarget[]; disabled: string[] }> {
    const connectionId = event.source.connectionId;
    if (opts.reload) this.cache.forget(connectionId);
    return this.split(await this.cache.get(connectionId, () => this.load(connectionId)), event);
  }

  /** The candidates subscribed to `event`: enabled (`targets`) and the ids of disabled ones. */
  private async split(candidates: RouteTarget[], event: NormalizedEvent): Promise<{ targets: RouteTarget[]; disabled: string[] }> {
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

  /**
   * Whether no enabled automation subscribes to `event` as of the database now: read past the
   * cache and without its stale answers (a database that does not answer throws). Webhook
   * intake asks it for a delivery it found no subscriber for, so the event workflow need not
   * look again.
   */
  async noneSubscribeNow(event: NormalizedEvent): Promise<boolean> {
    return (await this.split(await this.load(event.source.connectionId), event)).targets.length === 0;
  }

  /** The event router's look-up: the enabled subscribers as of now (reloaded), with their collector when they debounce or batch. */
  async find(event: NormalizedEvent): Promise<SubscriberMatch[]> {
    const { targets } = await this.route(event, { reload: true });
    const out: SubscriberMatch[] = [];
    for (const t of targets) {
      const collect = await collectTargetOf(t.pinned.definition as unknown as AutomationDefinition, t.automationId, event, this.logger);
      out.push({ automationId: t.automationId, version: t.version, ...(collect ? { collect } : {}) });
    }
    return out;
  }

  /** Drops everything (after an automation was saved or deleted). */
  invalidate(): void {
    this.cache.clear();
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
