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
import type { NormalizedEvent } from '../../workflows/contracts.ts';
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

export function createAutomationSubscriptions(deps: { orm: Orm; logger?: Logger }): SubscriptionResolver {
  return {
    async find(event: NormalizedEvent): Promise<SubscriberMatch[]> {
      const em = deps.orm.em.fork();
      const automations = await em.find(Automation, { webhookConnectionId: event.source.connectionId, triggerType: 'webhook', deletedAt: null }, { orderBy: { createdAt: 'asc' } });
      const out: SubscriberMatch[] = [];
      for (const a of automations) {
        const v = await em.findOne(AutomationVersion, { automationId: a.id, version: a.currentVersion });
        const def = v?.definition as AutomationDefinition | undefined;
        if (!def || !(await subscriptionMatches(def, event, a.id, deps.logger))) continue;
        const collect = await collectTargetOf(def, a.id, event, deps.logger);
        out.push({ automationId: a.id, version: a.currentVersion, ...(collect ? { collect } : {}) });
      }
      return out;
    },
  };
}
