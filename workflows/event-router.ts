/**
 * The event workflow: one per verified delivery or emitted event (id
 * `wh:<connector>:<connectionId>:<deliveryId>`). It makes the event findable
 * (search attributes, details), asks which automations subscribe, and starts each
 * as a child with a deterministic id, abandoned on close so runs outlive the router.
 * Replays re-issue nothing: child starts are commands recorded in history.
 */
import {
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning.ts';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import { EVENT_ROUTE_CHECKED_PATCH, EVENT_ROUTE_LOCAL_PATCH, EVENT_WAITS_PATCH, runWorkflowId, WORKFLOW_TYPES } from '../src/temporal/constants.ts';
import { SA } from '../src/temporal/search-attributes.ts';
import type { AutomationRunInput, EventRoute, EventRouteOptions, EventWaiter, NormalizedEvent, Subscriber } from './contracts.ts';
import { eventDeliveredSignal, waitedEventOf } from './automation/event-waits.ts';
import { FIND_SUBSCRIBERS_ACTIVITY_OPTIONS, ROUTE_EVENT_LOCAL_ACTIVITY_OPTIONS } from './activity-options.ts';

const { findSubscribers, routeEvent } = proxyActivities<Activities>(FIND_SUBSCRIBERS_ACTIVITY_OPTIONS);
const { routeEvent: routeEventLocally } = proxyLocalActivities<Activities>(ROUTE_EVENT_LOCAL_ACTIVITY_OPTIONS);

/** Asks who gets the event: a local activity since `event-route-local`, an activity in routers recorded before it, `findSubscribers` before `event-waits`. */
async function lookUp(event: NormalizedEvent, options: EventRouteOptions | undefined): Promise<EventRoute> {
  if (!patched(EVENT_WAITS_PATCH)) return { subscribers: await findSubscribers(event), waiters: [] };
  // Intake signalled the waiters and found no subscriber in the database: nothing to look up.
  if (options?.waitersResumed && options.subscribersChecked && patched(EVENT_ROUTE_CHECKED_PATCH)) return { subscribers: [], waiters: [] };
  const route = patched(EVENT_ROUTE_LOCAL_PATCH) ? routeEventLocally : routeEvent;
  return route(event, { waiters: !options?.waitersResumed });
}

/** One automation run the router started (or found already started). */
export interface RoutedRun {
  automationId: string;
  version: number;
  workflowId: string;
  /** Run id of the child; absent when a run with the id already existed. */
  runId?: string;
  status: 'started' | 'already-started';
}

export interface EventRouteResult {
  eventId: string;
  type: string;
  runs: RoutedRun[];
  /** Parked runs the event was handed to (absent in older routers and when none waited). */
  resumed?: string[];
}

function describeRuns(runs: RoutedRun[]): string {
  if (runs.length === 0) return 'No automation subscribes to this event.';
  return ['Started automation runs:', ...runs.map((r) => `- ${r.automationId} v${r.version}: \`${r.workflowId}\` (${r.status})`)].join('\n');
}

async function startRun(event: NormalizedEvent, subscriber: Subscriber): Promise<RoutedRun> {
  const workflowId = runWorkflowId(subscriber.automationId, workflowInfo().workflowId);
  const input: AutomationRunInput = {
    automationId: subscriber.automationId,
    version: subscriber.version,
    input: event.payload,
    trigger: { type: 'webhook', event },
  };
  const base = { automationId: subscriber.automationId, version: subscriber.version, workflowId };
  try {
    const child = await startChild(WORKFLOW_TYPES.automation, {
      workflowId,
      args: [input],
      parentClosePolicy: 'ABANDON',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${subscriber.automationId} v${subscriber.version} ← ${event.type}`,
      typedSearchAttributes: [
        { key: SA.automationId, value: subscriber.automationId },
        { key: SA.automationVersion, value: subscriber.version },
        { key: SA.triggerType, value: 'webhook' },
        { key: SA.eventType, value: event.type },
      ],
    });
    return { ...base, runId: child.firstExecutionRunId, status: 'started' };
  } catch (err) {
    // Someone (a reset of this router, an earlier router run) already started it.
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { ...base, status: 'already-started' };
    throw err;
  }
}

/**
 * Routes one normalised event to the automations subscribed to it.
 *
 * Versioned workers: AUTO_UPGRADE. A router lives for seconds (one activity, then child
 * starts) and issues a fixed, short command sequence, so the next release's code replays
 * it safely (changes to it need `patched()`, like any workflow change). Auto-upgrade keeps a
 * router retrying `findSubscribers` through an outage from holding an old version's workers.
 */
export async function eventWorkflow(event: NormalizedEvent, options?: EventRouteOptions): Promise<EventRouteResult> {
  upsertSearchAttributes([
    { key: SA.connector, value: event.source.connector },
    { key: SA.connectionId, value: event.source.connectionId },
    { key: SA.eventType, value: event.type },
  ]);
  setCurrentDetails(`Routing \`${event.type}\` (${event.id}) from ${event.source.connector} connection ${event.source.connectionId}.`);
  const route = await lookUp(event, options);
  setCurrentDetails(`Starting ${route.subscribers.length} automation run(s) for \`${event.type}\`.`);
  const [runs, resumed] = await Promise.all([Promise.all(route.subscribers.map((s) => startRun(event, s))), Promise.all(route.waiters.map((w) => resume(event, w)))]);
  setCurrentDetails(describeRuns(runs));
  const handed = resumed.filter((id): id is string => id !== undefined);
  return { eventId: event.id, type: event.type, runs, ...(handed.length ? { resumed: handed } : {}) };
}

/** Hands the event to a parked run; a run that has ended meanwhile is skipped (its registration expires). */
async function resume(event: NormalizedEvent, waiter: EventWaiter): Promise<string | undefined> {
  try {
    await getExternalWorkflowHandle(waiter.workflowId).signal(eventDeliveredSignal, { waitId: waiter.waitId, event: waitedEventOf(event) });
    return waiter.workflowId;
  } catch {
    return undefined;
  }
}
declareVersioningBehavior('AUTO_UPGRADE', eventWorkflow);
