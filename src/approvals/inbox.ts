/**
 * The approvals inbox: pending approvals found through the inbox index
 * (workflows/automation/approval-index.ts), one visibility query per page plus one count
 * (of every phase at once),
 * never a query per run. Pages follow a cursor through phases:
 *   - `mine`: the approvals naming the principal, then those that admit anyone it has not
 *     decided (temporal SQL visibility cannot ORDER BY a custom attribute, so an approver's
 *     own approval comes first whatever its age; within a phase, newest run first);
 *   - everyone's: every indexed approval;
 *   - last, runs parked before the index existed (no `SwitchboardApprovers`): read by their
 *     query, as before; there are none once those runs have been decided.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import { Automation } from '../db/entities/index.ts';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import { RUN_TYPES_CLAUSE } from '../automations/run-list.ts';
import { SA } from '../temporal/search-attributes.ts';
import { ANYONE, APPROVALS_MEMO, decidedMarker, mayDecide } from '../../workflows/automation/approval-index.ts';
import type { PendingApproval } from '../../workflows/automation/types.ts';
import { queryRunState } from '../automations/run-query.ts';

export interface ApprovalItem extends PendingApproval {
  workflowId: string;
  automationId: string;
  /** The automation's current name (its id when the automation is gone). */
  automationName: string;
  version: number;
}

export interface ApprovalPage {
  items: ApprovalItem[];
  /** Waiting runs that match (a run waiting on two approvals counts once). */
  total: number;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface InboxFilter {
  automationId?: string | undefined;
  /** Only approvals this principal may decide now (listed, or nobody listed) and has not decided. */
  decidableBy?: string | undefined;
  /** The `group:` entries `decidableBy` is a member of (read when the inbox is listed). */
  groups?: string[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

interface Phase {
  query: string;
  /** Runs parked before the index: their approvals come from the run's query. */
  legacy?: boolean;
}

interface Cursor {
  phase: number;
  token?: string | undefined;
}

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The phases' queries, and the one query that counts them all: the phases are disjoint (named;
 * anyone but not named and not decided; not indexed), so the total is one count of their union
 * instead of one per phase (each a scan of the running runs in SQL visibility).
 */
function phasesOf(services: Services, filter: InboxFilter): { phases: Phase[]; totalQuery: string } {
  const base = [RUN_TYPES_CLAUSE, `TaskQueue = ${quote(services.temporal.taskQueue)}`, "ExecutionStatus = 'Running'"];
  if (filter.automationId) base.push(`${SA.automationId.name} = ${quote(filter.automationId)}`);
  const where = (...clauses: string[]) => [...base, ...clauses].join(' AND ');
  const approvers = SA.approvers.name;
  const legacy = [`${SA.status.name} = 'waiting_approval'`, `${approvers} IS NULL`];
  const who = filter.decidableBy;
  const named = who === undefined ? [] : [who, ...(filter.groups ?? [])];
  const indexed =
    who === undefined
      ? [[`${approvers} IS NOT NULL`]]
      : [
          [named.length === 1 ? `${approvers} = ${quote(who)}` : `${approvers} IN (${named.map(quote).join(', ')})`],
          [`${approvers} = '${ANYONE}'`, `${approvers} != ${quote(who)}`, `${approvers} != ${quote(decidedMarker(who))}`],
        ];
  const phases: Phase[] = [...indexed.map((clauses) => ({ query: where(...clauses) })), { query: where(...legacy), legacy: true }];
  const union = [...indexed, legacy].map((clauses) => `(${clauses.join(' AND ')})`).join(' OR ');
  return { phases, totalQuery: where(`(${union})`) };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string | undefined, phases: number): Cursor {
  if (text === undefined) return { phase: 0 };
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (Number.isInteger(c.phase) && c.phase >= 0 && c.phase < phases && (c.token === undefined || typeof c.token === 'string')) return c;
  } catch {
    // answered below
  }
  throw new ApiError(400, 'INVALID_INPUT', 'cursor is not one this endpoint returned', [{ path: 'cursor', message: 'unknown cursor' }]);
}

async function listPage(services: Services, query: string, pageSize: number, token: string | undefined) {
  const { client, namespace } = services.temporal;
  const res = await client.workflowService.listWorkflowExecutions({
    namespace,
    query,
    pageSize,
    ...(token ? { nextPageToken: Buffer.from(token, 'base64') } : {}),
  });
  const converter = client.workflow.options.loadedDataConverter;
  const runs = await Promise.all(res.executions.map((raw) => executionInfoFromRaw(raw, converter, raw, namespace)));
  const next = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64') : undefined;
  return { runs, next };
}

async function itemsOf(services: Services, run: WorkflowExecutionInfo, legacy: boolean | undefined, who: string | undefined, groups: string[] = []): Promise<ApprovalItem[]> {
  const automationId = run.typedSearchAttributes.get(SA.automationId) ?? '';
  const version = run.typedSearchAttributes.get(SA.automationVersion) ?? 0;
  const indexed = run.memo?.[APPROVALS_MEMO] as PendingApproval[] | undefined;
  const pending = !legacy && indexed ? indexed : ((await queryRunState(services, services.temporal.client.workflow.getHandle(run.workflowId)).catch(() => undefined))?.pendingApprovals ?? []);
  return pending.filter((p) => who === undefined || mayDecide(p, who, groups)).map((p) => ({ ...p, workflowId: run.workflowId, automationId, automationName: automationId, version }));
}

/** Names the page's automations (one database query): people know them by name, not id. */
async function nameAutomations(services: Services, items: ApprovalItem[]): Promise<void> {
  const ids = [...new Set(items.map((i) => i.automationId).filter(Boolean))];
  if (ids.length === 0) return;
  const rows = await services.orm.em.fork().find(Automation, { id: { $in: ids } }, { fields: ['id', 'name'] });
  const names = new Map(rows.map((r) => [r.id, r.name]));
  for (const item of items) item.automationName = names.get(item.automationId) ?? item.automationId;
}

/** One page of pending approvals (up to `limit` waiting runs) and the total. */
export async function listApprovalInbox(services: Services, filter: InboxFilter): Promise<ApprovalPage> {
  const { phases, totalQuery } = phasesOf(services, filter);
  let cursor: Cursor | undefined = decodeCursor(filter.cursor, phases.length);
  const totalP = services.temporal.client.workflow.count(totalQuery).then((c) => c.count);
  // Awaited below; when a page read fails first (Temporal down), the count's rejection must not go unhandled.
  totalP.catch(() => undefined);
  const items: ApprovalItem[] = [];
  let runs = 0;
  while (cursor && runs < filter.limit) {
    const phase = phases[cursor.phase]!;
    const page = await listPage(services, phase.query, filter.limit - runs, cursor.token);
    runs += page.runs.length;
    for (const itemList of await Promise.all(page.runs.map((r) => itemsOf(services, r, phase.legacy, filter.decidableBy, filter.groups)))) items.push(...itemList);
    if (page.next) cursor = { phase: cursor.phase, token: page.next };
    else cursor = cursor.phase + 1 < phases.length ? { phase: cursor.phase + 1 } : undefined;
  }
  await nameAutomations(services, items);
  const total = await totalP;
  return { items, total, nextCursor: cursor ? encodeCursor(cursor) : null };
}
