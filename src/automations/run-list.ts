/**
 * Listing runs at scale: one visibility query built from the filters, paged by an
 * opaque cursor (Temporal's page token bound to the query it belongs to), newest first.
 */
import { createHash } from 'node:crypto';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import { WORKFLOW_TYPES } from '../temporal/constants.ts';
import { SA } from '../temporal/search-attributes.ts';

const STATUS_FILTER: Record<string, string> = {
  running: "ExecutionStatus = 'Running'",
  waiting_approval: "ExecutionStatus = 'Running' AND SwitchboardStatus = 'waiting_approval'",
  waiting_event: "ExecutionStatus = 'Running' AND SwitchboardStatus = 'waiting_event'",
  completed: "ExecutionStatus = 'Completed'",
  failed: "ExecutionStatus = 'Failed'",
  cancelled: "ExecutionStatus = 'Canceled'",
  terminated: "ExecutionStatus = 'Terminated'",
  timed_out: "ExecutionStatus = 'TimedOut'",
};
export const RUN_STATUSES = Object.keys(STATUS_FILTER) as [string, ...string[]];
export const RUN_TRIGGER_TYPES = ['webhook', 'schedule', 'manual', 'automation'] as const;
export const MAX_RUN_PAGE = 1000;

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface RunFilter {
  automationId?: string | undefined;
  status?: string | undefined;
  /** Started at or after (ISO, UTC). */
  since?: string | undefined;
  /** Started before (ISO, UTC). */
  until?: string | undefined;
  eventType?: string | undefined;
  triggerType?: string | undefined;
  connectionId?: string | undefined;
  /** The rendered `debounce`/`batch` key of collected runs (`SwitchboardTriggerKey`). */
  triggerKey?: string | undefined;
  /** The rendered `concurrency.key` of runs of automations with `concurrency` (`SwitchboardConcurrencyKey`). */
  concurrencyKey?: string | undefined;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  automationId: string | undefined;
  version: number | undefined;
  status: string;
  triggerType?: string | undefined;
  eventType?: string | undefined;
  startedAt: string;
  closedAt?: string | undefined;
}

export interface RunPage {
  items: RunSummary[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The runs Switchboard lists: automation runs and runs of code-first workflows (their
 * starters set `SwitchboardAutomationVersion` 0; automation versions start at 1).
 */
export const RUN_TYPES_CLAUSE = `(WorkflowType = '${WORKFLOW_TYPES.automation}' OR ${SA.automationVersion.name} = 0)`;

/** The one visibility query for a filter. */
export function runListQuery(taskQueue: string, filter: RunFilter): string {
  const clauses = [RUN_TYPES_CLAUSE, `TaskQueue = ${quote(taskQueue)}`];
  if (filter.automationId) clauses.push(`${SA.automationId.name} = ${quote(filter.automationId)}`);
  if (filter.status) clauses.push(STATUS_FILTER[filter.status]!);
  if (filter.since) clauses.push(`StartTime >= ${quote(filter.since)}`);
  if (filter.until) clauses.push(`StartTime < ${quote(filter.until)}`);
  if (filter.eventType) clauses.push(`${SA.eventType.name} = ${quote(filter.eventType)}`);
  if (filter.triggerType) clauses.push(`${SA.triggerType.name} = ${quote(filter.triggerType)}`);
  if (filter.connectionId) clauses.push(`${SA.connectionId.name} = ${quote(filter.connectionId)}`);
  if (filter.triggerKey !== undefined) clauses.push(`${SA.triggerKey.name} = ${quote(filter.triggerKey)}`);
  if (filter.concurrencyKey !== undefined) clauses.push(`${SA.concurrencyKey.name} = ${quote(filter.concurrencyKey)}`);
  return clauses.join(' AND ');
}

interface Cursor {
  /** Short hash of the query: a cursor only continues the listing it came from. */
  q: string;
  t: string;
}

const queryTag = (query: string) => createHash('sha256').update(query).digest('base64url').slice(0, 16);

function decodeCursor(text: string, query: string): Buffer {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (c.q === queryTag(query) && typeof c.t === 'string' && c.t.length > 0) return Buffer.from(c.t, 'base64');
  } catch {
    // answered below
  }
  throw new ApiError(400, 'INVALID_INPUT', 'cursor is not one this listing returned (same filters required)', [{ path: 'query.cursor', message: 'unknown cursor' }]);
}

/** A run's status: Temporal's, with a running run's parked state (waiting for an approval or an event) from its search attribute. */
function runStatus(execution: string, switchboard: string | undefined): string {
  if (execution === 'RUNNING' && (switchboard === 'waiting_approval' || switchboard === 'waiting_event')) return switchboard;
  return execution.toLowerCase();
}

/** One page of runs (newest first) and the cursor of the next. */
export async function listRunsPage(services: Services, filter: RunFilter & { limit?: number | undefined; cursor?: string | undefined }): Promise<RunPage> {
  const { client, namespace, taskQueue } = services.temporal;
  const query = runListQuery(taskQueue, filter);
  const token = filter.cursor ? decodeCursor(filter.cursor, query) : undefined;
  const res = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: filter.limit ?? 100, ...(token ? { nextPageToken: token } : {}) });
  const converter = client.workflow.options.loadedDataConverter;
  const infos = await Promise.all(res.executions.map((raw) => executionInfoFromRaw(raw, converter, raw, namespace)));
  const items = infos.map((w): RunSummary => {
    const sa = w.typedSearchAttributes;
    const triggerType = sa.get(SA.triggerType);
    const eventType = sa.get(SA.eventType);
    return {
      workflowId: w.workflowId,
      runId: w.runId,
      automationId: sa.get(SA.automationId),
      version: sa.get(SA.automationVersion),
      status: runStatus(w.status.name, sa.get(SA.status)),
      ...(triggerType ? { triggerType } : {}),
      ...(eventType ? { eventType } : {}),
      startedAt: w.startTime.toISOString(),
      ...(w.closeTime ? { closedAt: w.closeTime.toISOString() } : {}),
    };
  });
  const next = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64') : undefined;
  return { items, nextCursor: next ? Buffer.from(JSON.stringify({ q: queryTag(query), t: next } satisfies Cursor)).toString('base64url') : null };
}
