/**
 * The index of runs parked on `wait_for_event` steps, and how an event finds them.
 *
 * A run registers (event pattern, `eventKey` expression, rendered key) before it parks.
 * An event is matched in two indexed look-ups, never a scan of the waiting runs: the
 * channels (distinct pattern + expression pairs) under the event type's first segment,
 * whose expressions are evaluated over the event to give the keys it carries; then the
 * waits by (pattern, key). Expired rows (runs that ended without removing theirs) are
 * ignored and purged on later registrations.
 *
 * Both routes of an event use {@link findEventWaiters}: the event router's `routeEvent`
 * activity (deliveries without subscribers at intake, `emitEvent`) signals from the
 * workflow; webhook intake with subscribers and test events signal through
 * {@link signalEventWaiters} before they answer.
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Orm } from '../db/orm.ts';
import { EventWait, EventWaitChannel } from '../db/entities/index.ts';
import type { Logger } from '../logger.ts';
import { eventDeliveredSignal, waitedEventOf, waitKeyOf } from '../../workflows/automation/event-waits.ts';
import { evaluateExpression, type TemplateContext } from '../../workflows/automation/template.ts';
import type { EventWaiter, NormalizedEvent } from '../../workflows/contracts.ts';
import { eventTypeMatches } from './resolver.ts';

/** What a `wait_for_event` step registers before it parks. */
export interface EventWaitRegistration {
  id: string;
  workflowId: string;
  eventPattern: string;
  keyExpr: string;
  key: string;
  connectionId: string | null;
  /** The step's deadline (ISO); the row is ignored after it. */
  expiresAt: string;
  /** The first delivery resumes the run (no `if`): a signaller from the API removes the row (absent: false). */
  consumable?: boolean | undefined;
}

/** Rows expired longer than this are purged by later registrations. */
const PURGE_AFTER_MS = 60 * 60 * 1000;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The stored form of a key: as it is up to 200 characters, else its hash. */
export function indexKey(key: string): string {
  return key.length <= 200 ? key : `sha256:${sha256(key)}`;
}

const rootOf = (pattern: string): string => pattern.split('.')[0]!;
const channelId = (pattern: string, keyExpr: string): string => sha256(`${pattern}\u0000${keyExpr}`);

export async function registerEventWait(orm: Orm, reg: EventWaitRegistration): Promise<void> {
  const em = orm.em.fork();
  const now = new Date();
  await em.upsert(EventWaitChannel, { id: channelId(reg.eventPattern, reg.keyExpr), eventRoot: rootOf(reg.eventPattern), eventPattern: reg.eventPattern, keyExpr: reg.keyExpr, lastUsedAt: now });
  await em.upsert(EventWait, { ...reg, key: indexKey(reg.key), consumable: reg.consumable ?? false, expiresAt: new Date(reg.expiresAt), createdAt: now });
  await em.nativeDelete(EventWait, { expiresAt: { $lt: new Date(now.getTime() - PURGE_AFTER_MS) } });
}

export async function clearEventWait(orm: Orm, id: string): Promise<void> {
  await orm.em.fork().nativeDelete(EventWait, { id });
}

/** The runs waiting for `event` (type pattern, key, connection; unexpired), by the two indexed look-ups above. */
export async function findEventWaiters(orm: Orm, event: NormalizedEvent, logger?: Logger): Promise<EventWaiter[]> {
  return (await findWaitRows(orm, event, logger)).rows.map(({ waitId, workflowId }) => ({ waitId, workflowId }));
}

/** The matching waits, and whether any channel gave the event a key (none: no wait can ever have matched its type and shape). */
async function findWaitRows(orm: Orm, event: NormalizedEvent, logger?: Logger): Promise<{ rows: (EventWaiter & { consumable: boolean })[]; keyed: boolean }> {
  const em = orm.em.fork();
  const root = rootOf(event.type);
  const channels = await em.find(EventWaitChannel, { eventRoot: root === '*' ? '*' : { $in: [root, '*'] } });
  // What `eventKey` sees: the event as the step's output has it, plus its connector and headers.
  const view = { ...waitedEventOf(event), connector: event.source.connector, headers: event.headers ?? {} } as unknown as TemplateContext;
  const lookups: { eventPattern: string; keyExpr: string; key: string }[] = [];
  for (const c of channels) {
    if (!eventTypeMatches(c.eventPattern, event.type)) continue;
    try {
      // Outside a workflow: a plain path (`payload.pull_request.number`) is read without JSONata's awaits.
      const key = waitKeyOf(await evaluateExpression(c.keyExpr, view, { allowUndefined: true, plainPaths: true }));
      if (key !== undefined) lookups.push({ eventPattern: c.eventPattern, keyExpr: c.keyExpr, key: indexKey(key) });
    } catch (err) {
      logger?.warn({ err: (err as Error).message, eventType: event.type }, 'eventKey of a wait_for_event step failed on an event; no wait matched through it');
    }
  }
  if (lookups.length === 0) return { rows: [], keyed: false };
  const rows = await em.find(EventWait, { $or: lookups, expiresAt: { $gt: new Date() } }, { fields: ['id', 'workflowId', 'connectionId', 'consumable'] });
  return {
    rows: rows.filter((r) => r.connectionId === null || r.connectionId === event.source.connectionId).map((r) => ({ waitId: r.id, workflowId: r.workflowId, consumable: r.consumable })),
    keyed: true,
  };
}

/** What {@link signalEventWaiters} did. */
export interface SignalledWaiters {
  /** The runs signalled (each registration once). */
  waiters: EventWaiter[];
  /**
   * Some wait's channel matched the event's type and its `eventKey` gave the event a key.
   * False: no run ever waited on events like it, so it cannot have resumed one before.
   */
  keyed: boolean;
}

/**
 * Signals each waiter with the event (from the API process: webhook intake with
 * subscribers, test events). A run that is gone loses its registration; any other
 * failure is thrown, so the sender's delivery is answered 503 and redelivered (the
 * run accepts a delivery id once). A wait its first delivery resumes (`consumable`: the
 * step has no `if`) is told so (`consumed`) and its registration is removed here once its
 * signal landed, so the run spends no local activity on it; a removal that fails leaves a
 * row that expires with the wait (a later match signals a closed wait, which ignores it).
 */
export async function signalEventWaiters(client: Client, orm: Orm, event: NormalizedEvent, logger?: Logger): Promise<SignalledWaiters> {
  const { rows: waiters, keyed } = await findWaitRows(orm, event, logger);
  const delivered = waitedEventOf(event);
  await Promise.all(
    waiters.map(async (w) => {
      try {
        await client.workflow.getHandle(w.workflowId).signal(eventDeliveredSignal, { waitId: w.waitId, event: delivered, ...(w.consumable ? { consumed: true } : {}) });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        await clearEventWait(orm, w.waitId);
        return;
      }
      if (w.consumable) {
        await clearEventWait(orm, w.waitId).catch((err: unknown) =>
          logger?.warn({ err: (err as Error).message, eventId: event.id }, 'registration of a resumed wait not removed; it expires with the wait'),
        );
      }
    }),
  );
  return { waiters: waiters.map(({ waitId, workflowId }) => ({ waitId, workflowId })), keyed };
}
