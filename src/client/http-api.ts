/**
 * Typed HTTP client of the automations, runs and approvals API (`/api/v1`), for
 * programs that talk to a Switchboard API rather than to Temporal directly.
 *
 * @example
 * const sb = createAutomationsClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: mySwitchboardKey });
 * const { id } = await sb.createAutomation(definition);
 * const run = await sb.startRun(id, { n: 5 }, { idempotencyKey: 'order-42' });
 * await sb.decideApproval(run.workflowId, 'review', { decision: 'approve' }); // as the key's principal
 */
import type { AutomationVersionSummary, AutomationVersionView, AutomationView } from '../automations/service.ts';
import type { BulkRedriveResult, RedriveResult } from '../automations/redrive.ts';
import type { ScheduleView } from '../automations/schedule-controls.ts';
import type { OverlapName } from '../automations/schedules.ts';
import type { EventView, RedeliverResult } from '../automations/events.ts';
import type { RunFilter } from '../automations/run-list.ts';
import type { BulkCancelFilter, BulkCancelProgress } from '../automations/run-cancel.ts';
import type { AutomationDefinition, ApprovalDecision, PendingApproval, StepState } from '../../workflows/automation/types.ts';
import type { ConnectionView } from '../connections/view.ts';

/**
 * An answer of the API other than 2xx: `status`, and the `{ error: { code, message } }` body.
 *
 * @example
 * try { await sb.getRun('run:nope'); } catch (err) { if (err instanceof SwitchboardApiError && err.status === 404) console.log(err.code); }
 */
export class SwitchboardApiError extends Error {
  override readonly name = 'SwitchboardApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/**
 * The API did not answer: nothing listens at `baseUrl`, or the connection failed (DNS, TLS, reset).
 *
 * @example
 * try { await sb.listAutomations(); } catch (err) { if (err instanceof SwitchboardUnreachableError) console.error(`is the API running at ${err.baseUrl}?`); }
 */
export class SwitchboardUnreachableError extends Error {
  override readonly name = 'SwitchboardUnreachableError';
  constructor(
    readonly baseUrl: string,
    reason: string,
  ) {
    super(`no Switchboard API answers at ${baseUrl} (${reason})`);
  }
}

/**
 * An automation as the API shows it.
 *
 * @example
 * const a: AutomationRecord = await sb.getAutomation('auto_1'); // a.name, a.version
 */
export type AutomationRecord = AutomationView;
/**
 * One saved version in `listAutomationVersions` (newest first).
 *
 * @example
 * const [latest]: AutomationVersionSummaryRecord[] = await sb.listAutomationVersions('auto_1');
 */
export type AutomationVersionSummaryRecord = AutomationVersionSummary;
/**
 * One saved version with its full definition.
 *
 * @example
 * const v: AutomationVersionRecord = await sb.getAutomationVersion('auto_1', 2); // v.definition
 */
export type AutomationVersionRecord = AutomationVersionView;

/**
 * A run as the API shows it: status, step states, pending approvals, result or error.
 *
 * @example
 * const run: RunRecord = await sb.getRun(workflowId); if (run.status === 'failed') console.log(run.error?.code);
 */
export interface RunRecord extends RunSummaryRecord {
  automationId: string;
  version: number;
  /** The automation's name in the run's version. */
  name?: string;
  steps: StepState[];
  pendingApprovals: PendingApproval[];
  result?: { outputs: Record<string, unknown> };
  error?: { code: string; message: string };
  /** LLM tokens the run's llm steps used (provider-reported). */
  usage?: { inputTokens: number; outputTokens: number };
  /** The run's input and trigger (a webhook run's trigger holds the event). */
  input?: unknown;
  trigger?: { type: string } & Record<string, unknown>;
  /** The run this run re-drives. */
  redriveOf?: string;
  /** The step a re-drive started at. */
  fromStep?: string;
  /** Runs that re-drive this run, newest first. */
  redrivenBy?: string[];
}

/**
 * A recorded webhook delivery (`GET /events`).
 *
 * @example
 * const events: EventRecord[] = await sb.listEvents({ connector: 'github', noSubscriber: true, limit: 20 });
 * for (const e of events) console.log(e.type, e.receivedAt, e.runs.length);
 */
export type EventRecord = EventView;

/** Answer of a re-drive: the new run (or, `duplicate`, the earlier re-drive of the same source). */
export type RedriveRecord = RedriveResult;

/** Filters of `GET /runs` (one visibility query, the server's {@link RunFilter}); `since`/`until` bound the start time. */
export type RunListFilter = RunFilter & { limit?: number | undefined };
export type { BulkCancelFilter, BulkCancelProgress };

/**
 * A run in `listRuns` (Temporal visibility), newest first.
 *
 * @example
 * const failed: RunSummaryRecord[] = await sb.listRuns({ automationId: 'auto_1', status: 'failed', limit: 10 });
 * for (const r of failed) console.log(r.workflowId, r.closedAt);
 */
export interface RunSummaryRecord {
  workflowId: string;
  runId: string;
  status: string;
  automationId?: string;
  version?: number;
  startedAt?: string;
  closedAt?: string;
}

/**
 * A pending approval in `listApprovals`.
 *
 * @example
 * const [first]: ApprovalRecord[] = await sb.listApprovals({ mine: true });
 * if (first) await sb.decideApproval(first.workflowId, first.stepId, { decision: 'approve', comment: 'looks good' });
 */
export type ApprovalRecord = PendingApproval & { workflowId: string; automationId: string; /** The automation's name. */ automationName: string; version: number };

/** Which pending approvals to list: of one automation, and/or only the key's principal's inbox. */
export interface ApprovalFilter {
  automationId?: string | undefined;
  mine?: boolean | undefined;
}

/**
 * A page of `GET /approvals`: `total` counts the waiting runs that match; `nextCursor` is null on the last page.
 *
 * @example
 * const page: ApprovalPage = await sb.listApprovalsPage({ mine: true, limit: 20 });
 * if (page.nextCursor) await sb.listApprovalsPage({ mine: true, limit: 20, cursor: page.nextCursor });
 */
export interface ApprovalPage {
  items: ApprovalRecord[];
  total: number;
  nextCursor: string | null;
}

/**
 * A connection as the API shows it: secret field names only, never values.
 *
 * @example
 * const conn: ConnectionRecord = await sb.getConnection('conn_slack'); // conn.connector, conn.secretFields
 * const { ok, message } = await sb.testConnection(conn.id);
 */
export type ConnectionRecord = ConnectionView;

/**
 * A RAG index (`GET /rag/indexes`).
 *
 * @example
 * const indexes: RagIndexRecord[] = await sb.listRagIndexes();
 * for (const i of indexes) console.log(i.name, i.embedding?.model ?? 'keyword only', i.documents);
 */
export interface RagIndexRecord {
  id: string;
  name: string;
  embedding: { connection: string; model: string; dimensions: number } | null;
  chunking: { size: number; overlap: number };
  documents?: number;
  createdAt: string;
}

/**
 * A document to ingest: its `text`, or a `url` the worker fetches.
 *
 * @example
 * const docs: RagDocumentInput[] = [{ id: 'faq', text: 'Refunds take 5 days.', metadata: { lang: 'en' } }, { id: 'terms', url: 'https://example.com/terms' }];
 * const { ingestionId } = await sb.ingestDocuments(indexId, docs);
 */
export type RagDocumentInput = { id: string; text: string; metadata?: Record<string, unknown> } | { id: string; url: string; metadata?: Record<string, unknown> };

/**
 * Progress of a RAG ingestion (`GET /rag/ingestions/:id`).
 *
 * @example
 * const p: RagIngestionRecord = await sb.getIngestion(ingestionId);
 * if (p.done) console.log(`${p.indexed}/${p.total} indexed, ${p.failed.length} failed`);
 */
export interface RagIngestionRecord {
  ingestionId: string;
  status: string;
  total: number;
  processed: number;
  indexed: number;
  chunks: number;
  failed: { documentId: string; error: string }[];
  done: boolean;
}

export interface RunStart {
  workflowId: string;
  runId: string;
  duplicate?: boolean;
}

export interface AutomationsClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; without it only unauthenticated routes answer. */
  apiKey?: string | undefined;
  fetch?: typeof fetch;
}

/**
 * A typed client of the automations, runs, events and approvals API.
 *
 * @example
 * const sb = createAutomationsClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: mySwitchboardKey });
 * const { id } = await sb.createAutomation(definition);
 */
export function createAutomationsClient(opts: AutomationsClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/v1${path}`, {
        method,
        headers: { ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      // fetch rejects only when no HTTP answer came; undici keeps the reason (ECONNREFUSED, ENOTFOUND) in `cause`.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new SwitchboardUnreachableError(base, cause?.code ?? cause?.message ?? (err as Error).message);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      throw new SwitchboardApiError(res.status, 'NOT_JSON', `${base} answered ${res.status} with a body that is not JSON: is SWITCHBOARD_URL a Switchboard API?`);
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new SwitchboardApiError(res.status, e?.code ?? 'ERROR', e?.message ?? res.statusText, e?.details);
    }
    return json as T;
  }
  const wf = (id: string) => encodeURIComponent(id);
  const approvalsPage = (filter: ApprovalFilter & { limit?: number | undefined; cursor?: string | undefined } = {}) => {
    const q = new URLSearchParams({ status: 'pending' });
    if (filter.automationId) q.set('automationId', filter.automationId);
    if (filter.mine) q.set('mine', 'true');
    if (filter.limit !== undefined) q.set('limit', String(filter.limit));
    if (filter.cursor) q.set('cursor', filter.cursor);
    return call<ApprovalPage>('GET', `/approvals?${q.toString()}`);
  };
  const listRunsPage = async (filter: RunListFilter & { cursor?: string | undefined } = {}) => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
    return call<{ items: RunSummaryRecord[]; nextCursor: string | null }>('GET', `/runs?${q}`);
  };
  return {
    createAutomation: (definition: AutomationDefinition | Record<string, unknown>) => call<{ id: string; version: number }>('POST', '/automations', definition),
    updateAutomation: (id: string, definition: AutomationDefinition | Record<string, unknown>) => call<{ id: string; version: number }>('PUT', `/automations/${id}`, definition),
    getAutomation: (id: string) => call<AutomationRecord>('GET', `/automations/${id}`),
    listAutomations: async () => (await call<{ items: AutomationRecord[] }>('GET', '/automations')).items,
    deleteAutomation: (id: string) => call<void>('DELETE', `/automations/${id}`),
    /** Every saved version, newest first; also of a deleted automation. */
    listAutomationVersions: async (id: string) => (await call<{ items: AutomationVersionSummaryRecord[] }>('GET', `/automations/${encodeURIComponent(id)}/versions`)).items,
    /** One saved version with its full definition; 404 (`SwitchboardApiError`) for an unknown automation or version. */
    getAutomationVersion: (id: string, version: number) => call<AutomationVersionRecord>('GET', `/automations/${encodeURIComponent(id)}/versions/${version}`),
    /** Starts a run; with `idempotencyKey` a repeat answers `duplicate: true` with the same ids. */
    startRun: (automationId: string, input: unknown, o: { idempotencyKey?: string; budget?: { maxTokens: number } } = {}) =>
      call<RunStart>('POST', `/automations/${automationId}/runs`, { input, ...(o.budget ? { budget: o.budget } : {}) }, o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}),
    /** Starts a webhook automation's run from a sample payload (trigger marked `test: true`); `type` defaults to the trigger's first exact pattern. */
    sendTestEvent: (automationId: string, payload: unknown, o: { type?: string } = {}) =>
      call<RunStart & { event: { id: string; type: string } }>('POST', `/automations/${encodeURIComponent(automationId)}/test-event`, { payload, ...(o.type ? { type: o.type } : {}) }),
    getRun: (workflowId: string) => call<RunRecord>('GET', `/runs/${wf(workflowId)}`),
    listRuns: async (filter: RunListFilter = {}) => (await listRunsPage(filter)).items,
    /** One page of runs, newest first; pass `nextCursor` back as `cursor` (same filters) for the next. */
    listRunsPage,
    cancelRun: (workflowId: string) => call<{ cancelRequested: true }>('POST', `/runs/${wf(workflowId)}/cancel`),
    /** Cancels the open runs a filter finds (a Temporal batch operation); answers the count and the job. */
    cancelRuns: (filter: BulkCancelFilter) => call<BulkCancelProgress>('POST', '/runs/cancel', { filter }),
    /** Progress of a bulk cancel job. */
    bulkCancelProgress: (jobId: string) => call<BulkCancelProgress>('GET', `/runs/cancel/${encodeURIComponent(jobId)}`),
    /** Re-drives the failed runs a filter finds; idempotent per source run. */
    redriveRuns: (filter: { automationId?: string; since?: string; limit: number; version?: 'pinned' | 'current' }) =>
      call<BulkRedriveResult>('POST', '/runs/redrive', { status: 'failed', ...filter }),
    /** Recorded webhook deliveries, newest first. */
    listEvents: async (filter: { connector?: string; connectionId?: string; type?: string; since?: string; until?: string; unparsed?: boolean; noSubscriber?: boolean; limit?: number } = {}) => {
      const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
      return (await call<{ items: EventRecord[] }>('GET', `/events?${q}`)).items;
    },
    getEvent: (id: string) => call<EventRecord>('GET', `/events/${encodeURIComponent(id)}`),
    /** Routes a recorded event again to today's subscribers. */
    redeliverEvent: (id: string) => call<RedeliverResult>('POST', `/events/${encodeURIComponent(id)}/redeliver`),
    /** Re-drives a failed run: same input, its version (or `version: 'current'`); a repeat answers the first re-drive unless `force`. */
    redriveRun: (workflowId: string, o: { version?: 'pinned' | 'current'; force?: boolean; fromStep?: string } = {}) => call<RedriveRecord>('POST', `/runs/${wf(workflowId)}/redrive`, o),
    /** A schedule or poll automation's Temporal Schedule: paused, overlap, next and recent runs. */
    getSchedule: (automationId: string) => call<ScheduleView>('GET', `/automations/${encodeURIComponent(automationId)}/schedule`),
    pauseSchedule: (automationId: string, note?: string) => call<ScheduleView>('POST', `/automations/${encodeURIComponent(automationId)}/schedule/pause`, note ? { note } : {}),
    resumeSchedule: (automationId: string, note?: string) => call<ScheduleView>('POST', `/automations/${encodeURIComponent(automationId)}/schedule/resume`, note ? { note } : {}),
    /** Starts one scheduled run now; `overlap` overrides the policy for it. */
    triggerSchedule: (automationId: string, overlap?: OverlapName) =>
      call<ScheduleView>('POST', `/automations/${encodeURIComponent(automationId)}/schedule/trigger`, overlap ? { overlap } : {}),
    /** Starts the runs the schedule would have started in `[start, end)` (past, at most 31 days). */
    backfillSchedule: (automationId: string, range: { start: string; end: string; overlap?: OverlapName }) =>
      call<ScheduleView>('POST', `/automations/${encodeURIComponent(automationId)}/schedule/backfill`, range),
    /** One page of pending approvals (`limit` waiting runs); pass `nextCursor` back as `cursor` for the next. */
    listApprovalsPage: approvalsPage,
    /** Every pending approval (follows the pages); `mine`: only those the key's principal may decide now. */
    listApprovals: async (filter: ApprovalFilter = {}) => {
      const items: ApprovalRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await approvalsPage({ ...filter, limit: 200, cursor });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    },
    /** Decides as the key's principal; `approver` names someone else (needs the `approvals:act-as` scope). */
    decideApproval: (workflowId: string, stepId: string, d: { decision: 'approve' | 'reject'; approver?: string; comment?: string }) =>
      call<ApprovalDecision>('POST', `/runs/${wf(workflowId)}/approvals/${encodeURIComponent(stepId)}`, d),
    listConnections: async (filter: { connector?: string | undefined } = {}) =>
      (await call<{ items: ConnectionRecord[] }>('GET', `/connections${filter.connector ? `?connector=${encodeURIComponent(filter.connector)}` : ''}`)).items,
    getConnection: (id: string) => call<ConnectionRecord>('GET', `/connections/${encodeURIComponent(id)}`),
    /** Runs the connector's connection test with the stored config and secrets. */
    testConnection: (id: string) => call<{ ok: boolean | null; message: string }>('POST', `/connections/${encodeURIComponent(id)}/test`),
    listRagIndexes: async () => (await call<{ items: RagIndexRecord[] }>('GET', '/rag/indexes')).items,
    /** Starts an ingestion workflow; follow it with `getIngestion`. */
    ingestDocuments: (indexId: string, documents: RagDocumentInput[], o: { batchSize?: number } = {}) =>
      call<{ ingestionId: string; documents: number }>('POST', `/rag/indexes/${encodeURIComponent(indexId)}/documents`, { documents, ...(o.batchSize ? { batchSize: o.batchSize } : {}) }),
    getIngestion: (ingestionId: string) => call<RagIngestionRecord>('GET', `/rag/ingestions/${encodeURIComponent(ingestionId)}`),
  };
}

/**
 * What {@link createAutomationsClient} returns.
 *
 * @example
 * const sb: AutomationsClient = createAutomationsClient({ baseUrl, apiKey });
 */
export type AutomationsClient = ReturnType<typeof createAutomationsClient>;
