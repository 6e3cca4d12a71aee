/**
 * Recorded webhook deliveries, read back from Temporal visibility and `event_records`. A
 * delivery with subscribers is recorded as the runs it started (`run:<automationId>:wh:
 * <connector>:<connectionId>:<deliveryId>`); one without as its event workflow (`wh:…`).
 * Both carry the connector, connection and event type as search attributes and the event
 * in their input, so the event id (`wh:<connector>:<connectionId>:<deliveryId>`) groups
 * them. A delivery that only resumed parked runs is a row in `event_records` with the same
 * id (src/automations/event-records.ts), merged in. A redelivery starts runs
 * `run:<automationId>:redeliver-<n>:<event id>`, grouped too.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { notFound } from '../errors.ts';
import { Automation } from '../db/entities/index.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import { WORKFLOW_ID_PREFIX, WORKFLOW_TYPES } from '../temporal/constants.ts';
import { SA } from '../temporal/search-attributes.ts';
import type { AutomationRunInput, NormalizedEvent } from '../../workflows/contracts.ts';
import { duplicatesOf } from './event-duplicates.ts';
import { eventRecordOf, eventRecords, type EventRecordFilter } from './event-records.ts';
import type { EventRecord } from '../db/entities/index.ts';
import { COLLECTING_AUTOMATIONS_MEMO } from './collect.ts';
import { runStartInput } from './redrive.ts';
import { DISABLED_AUTOMATIONS_MEMO, RESUMED_RUNS_MEMO, webhookRunStartOptions } from './routing.ts';
import { withRunPriority } from './run-priority.ts';

export interface EventRun {
  workflowId: string;
  automationId: string | undefined;
  status: string;
  startedAt: string;
}

export interface EventView {
  /** `wh:<connector>:<connectionId>:<deliveryId>` */
  id: string;
  deliveryId: string;
  type: string;
  connector: string;
  connectionId: string;
  receivedAt: string;
  payload?: unknown;
  headers?: Record<string, string> | undefined;
  /** The event type is `<connector>.unparsed`: the trigger could not parse the body. */
  unparsed: boolean;
  /** No automation subscribed when it arrived (it was recorded by its event workflow only). */
  noSubscriber: boolean;
  /** Automations that subscribed but were disabled when it arrived (`enabled: false`): they started no run. */
  disabledAutomations?: string[] | undefined;
  /** Debounced or batched automations the event was handed to: their run starts when the window closes (it may carry another delivery's id). */
  collectingAutomations?: string[] | undefined;
  /** Runs parked on `wait_for_event` that webhook intake resumed with it (workflow ids). */
  resumed?: string[] | undefined;
  runs: EventRun[];
  /** Deliveries of the same id after the first (answered 200 with the same ids). */
  duplicates: number;
}

/** The events API's filters: those of the recorded rows, plus who subscribed. */
export interface EventFilter extends Omit<EventRecordFilter, 'limit'> {
  noSubscriber?: boolean | undefined;
  limit?: number | undefined;
}

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const REDELIVER_PREFIX = 'redeliver-';
/** Most workflows one list scans (a time range or connection narrows it). */
export const EVENT_SCAN_LIMIT = 5_000;
const EVENT_ID_RE = new RegExp(`^${WORKFLOW_ID_PREFIX.event}:([^:]+):([^:]+):(.+)$`);

/** The event id a workflow records: itself for an event workflow, the suffix of a webhook run. */
export function eventIdOf(workflowId: string): string | undefined {
  if (workflowId.startsWith(`${WORKFLOW_ID_PREFIX.event}:`)) return workflowId;
  const m = new RegExp(`^${WORKFLOW_ID_PREFIX.run}:[^:]+:(?:${REDELIVER_PREFIX}[\\w-]+:)?(${WORKFLOW_ID_PREFIX.event}:.+)$`).exec(workflowId);
  return m?.[1];
}

function runOf(w: WorkflowExecutionInfo): EventRun {
  return { workflowId: w.workflowId, automationId: w.typedSearchAttributes.get(SA.automationId), status: w.status.name.toLowerCase(), startedAt: w.startTime.toISOString() };
}

/** The event a recorded workflow was started with (event workflow: its input; run: its trigger). */
async function eventOf(services: Services, w: { workflowId: string; runId: string; type: string }): Promise<NormalizedEvent | undefined> {
  const input = await runStartInput(services.temporal.client, w.workflowId, w.runId);
  if (w.type === WORKFLOW_TYPES.event) return input as unknown as NormalizedEvent;
  const trigger = (input as AutomationRunInput).trigger;
  return trigger.type === 'webhook' ? trigger.event : undefined;
}

/** The event a record holds. */
const recordedEvent = (record: EventRecord): NormalizedEvent => record.event as unknown as NormalizedEvent;

/** One event's view from its workflows (newest first; none for a record without redeliveries) and its record, if any. */
function view(id: string, group: WorkflowExecutionInfo[], event: NormalizedEvent | undefined, withPayload: boolean, duplicates: number, record?: EventRecord): EventView {
  const [, connector, connectionId, deliveryId] = EVENT_ID_RE.exec(id)!;
  const first = group[group.length - 1];
  const type = event?.type ?? record?.type ?? first?.typedSearchAttributes.get(SA.eventType) ?? '';
  const runs = group.filter((w) => w.type === WORKFLOW_TYPES.automation).map(runOf);
  const disabled = group.flatMap((w) => (w.memo?.[DISABLED_AUTOMATIONS_MEMO] as string[] | undefined) ?? []);
  const collecting = group.flatMap((w) => (w.memo?.[COLLECTING_AUTOMATIONS_MEMO] as string[] | undefined) ?? []);
  const resumed = [...(record?.resumed ?? []), ...group.flatMap((w) => (w.memo?.[RESUMED_RUNS_MEMO] as string[] | undefined) ?? [])];
  return {
    id,
    deliveryId: deliveryId!,
    type,
    connector: connector!,
    connectionId: connectionId!,
    receivedAt: event?.receivedAt ?? record?.receivedAt.toISOString() ?? first!.startTime.toISOString(),
    ...(withPayload && event ? { payload: event.payload, ...(event.headers ? { headers: event.headers } : {}) } : {}),
    unparsed: type === `${connector}.unparsed`,
    noSubscriber: runs.length === 0 && collecting.length === 0,
    ...(disabled.length > 0 ? { disabledAutomations: disabled } : {}),
    ...(collecting.length > 0 ? { collectingAutomations: collecting } : {}),
    ...(resumed.length > 0 ? { resumed } : {}),
    runs,
    duplicates,
  };
}

/** Recorded deliveries, newest first, grouped by event id; see the module comment. */
export async function listEvents(services: Services, filter: EventFilter): Promise<EventView[]> {
  const limit = filter.limit ?? 50;
  // An event workflow may have started runs of its own (subscribers found by the worker),
  // so "no subscriber" is decided per group, not by the workflow type.
  const kinds = `(WorkflowType = '${WORKFLOW_TYPES.event}' OR (WorkflowType = '${WORKFLOW_TYPES.automation}' AND ${SA.triggerType.name} = 'webhook'))`;
  const clauses = [kinds, `TaskQueue = ${quote(services.temporal.taskQueue)}`];
  if (filter.connector) clauses.push(`${SA.connector.name} = ${quote(filter.connector)}`);
  if (filter.connectionId) clauses.push(`${SA.connectionId.name} = ${quote(filter.connectionId)}`);
  if (filter.type) clauses.push(`${SA.eventType.name} = ${quote(filter.type)}`);
  if (filter.since) clauses.push(`StartTime >= ${quote(filter.since)}`);
  if (filter.until) clauses.push(`StartTime <= ${quote(filter.until)}`);
  // Visibility does not order by start time on every store (SQL orders running ones
  // first), so the matches are gathered, up to a bound, and ordered here.
  const groups = new Map<string, WorkflowExecutionInfo[]>();
  let scanned = 0;
  for await (const w of services.temporal.client.workflow.list({ query: clauses.join(' AND '), pageSize: 500 })) {
    if (++scanned > EVENT_SCAN_LIMIT) break;
    const id = eventIdOf(w.workflowId);
    if (!id || !EVENT_ID_RE.test(id)) continue;
    const type = w.typedSearchAttributes.get(SA.eventType) ?? '';
    if (filter.unparsed && !type.endsWith('.unparsed')) continue;
    const group = groups.get(id);
    if (group) group.push(w);
    else groups.set(id, [w]);
  }
  // Deliveries that only resumed parked runs: rows, with their redeliveries' runs (if any) from the scan.
  const records = new Map<string, EventRecord>();
  for (const r of await eventRecords(services.orm, { ...filter, limit })) {
    records.set(r.id, r);
    if (!groups.has(r.id)) groups.set(r.id, []);
  }
  const firstStart = (id: string) => Math.min(...groups.get(id)!.map((w) => w.startTime.getTime()), records.get(id)?.receivedAt.getTime() ?? Infinity);
  for (const g of groups.values()) g.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const isRun = (w: WorkflowExecutionInfo) => w.type === WORKFLOW_TYPES.automation;
  const collected = (w: WorkflowExecutionInfo) => Array.isArray(w.memo?.[COLLECTING_AUTOMATIONS_MEMO]);
  if (filter.noSubscriber) for (const [id, g] of groups) if (g.some(isRun) || g.some(collected)) groups.delete(id);
  const ids = [...groups.keys()].sort((a, b) => firstStart(b) - firstStart(a)).slice(0, limit);
  const duplicates = await duplicatesOf(services.orm, ids);
  return Promise.all(
    ids.map(async (id) => {
      const group = groups.get(id)!;
      const record = records.get(id);
      const event = record ? recordedEvent(record) : await eventOf(services, group[group.length - 1]!);
      return view(id, group, event, true, duplicates.get(id) ?? 0, record);
    }),
  );
}

/** One recorded delivery with its payload and every run it started (also redeliveries). */
export async function getEvent(services: Services, id: string): Promise<EventView> {
  return (await loadEvent(services, id)).view;
}

/** One recorded delivery's view, and the event it carries (its row's, else its oldest workflow's). */
async function loadEvent(services: Services, id: string): Promise<{ view: EventView; event: NormalizedEvent | undefined }> {
  const m = EVENT_ID_RE.exec(id);
  if (!m) throw notFound(`event ${id}`);
  const [, connector, connectionId] = m;
  const clauses = [`TaskQueue = ${quote(services.temporal.taskQueue)}`, `${SA.connector.name} = ${quote(connector!)}`, `${SA.connectionId.name} = ${quote(connectionId!)}`];
  // The runs of a delivery are named after it, per automation: ask for those of every
  // automation that ever listened on the connection, and the event workflow itself.
  const [automations, record] = await Promise.all([services.orm.em.fork().find(Automation, { webhookConnectionId: connectionId! }, { fields: ['id'] }), eventRecordOf(services.orm, id)]);
  const group: WorkflowExecutionInfo[] = [];
  const direct = [id, ...automations.map((a) => `${WORKFLOW_ID_PREFIX.run}:${a.id}:${id}`)];
  for await (const w of services.temporal.client.workflow.list({ query: [...clauses, `WorkflowId IN (${direct.map(quote).join(', ')})`].join(' AND ') })) group.push(w);
  if (group.length === 0 && !record) throw notFound(`event ${id}`);
  // Redeliveries: runs of the same connection whose id ends in the event id.
  for await (const w of services.temporal.client.workflow.list({ query: [...clauses, `WorkflowType = '${WORKFLOW_TYPES.automation}'`].join(' AND ') })) {
    if (!direct.includes(w.workflowId) && eventIdOf(w.workflowId) === id) group.push(w);
  }
  group.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const [event, duplicates] = await Promise.all([record ? recordedEvent(record) : eventOf(services, group[group.length - 1]!), duplicatesOf(services.orm, [id])]);
  return { view: view(id, group, event, true, duplicates.get(id) ?? 0, record ?? undefined), event };
}

export interface RedeliverResult {
  eventId: string;
  runs: { workflowId: string; runId: string; automationId: string; version: number }[];
}

/** Routes a recorded event again to the automations subscribed to it today: new runs, named after the event. */
export async function redeliverEvent(services: Services, id: string): Promise<RedeliverResult> {
  const { event } = await loadEvent(services, id);
  if (!event) throw notFound(`event ${id}`);
  const { targets } = await services.subscriptions.route(event, { reload: true }); // today's subscribers, not those of a few seconds ago
  const n = nanoid(10);
  const runs = await Promise.all(
    targets.map(async (t) => {
      const options = await withRunPriority(webhookRunStartOptions(event, t, services.temporal.taskQueue, await services.connectionRateLimits.queuesFor(t.pinned.definition)));
      const workflowId = `${WORKFLOW_ID_PREFIX.run}:${t.automationId}:${REDELIVER_PREFIX}${n}:${id}`;
      const started = await services.starter.start(WORKFLOW_TYPES.automation, { ...options, workflowId });
      return { workflowId, runId: started.runId, automationId: t.automationId, version: t.version };
    }),
  );
  return { eventId: id, runs };
}
