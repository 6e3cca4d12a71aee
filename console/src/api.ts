// The console talks only to the public /api/v1 with its session cookie; state changes
// carry the session's CSRF token. The API key itself never reaches browser storage.
// Its types come from the API's contract: ./api-types.ts is generated from /openapi.json
// (`npm run console:types`); this module only names the ones the pages use.
import type { components, operations } from './api-types.ts';

type Schemas = components['schemas'];
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<O extends keyof operations> = operations[O]['responses'];
/** The JSON body of an operation's success answer (200, 201 or 202), by its operationId. */
export type Ok<O extends keyof operations> = Json<Responses<O>[Extract<keyof Responses<O>, 200 | 201 | 202>]>;

/** `GET /session`: the signed-in principal, its scopes and (for a cookie session) the CSRF token. */
export type Session = Schemas['Session'];

export type ApiErrorBody = Schemas['Error']['error'];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string | null): void {
  csrfToken = token ?? '';
}

export async function api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => ({}))) as { error?: ApiErrorBody };
  if (!res.ok) throw new ApiError(res.status, body.error ?? { code: 'HTTP_' + res.status, message: res.statusText });
  return body as T;
}

/** A scope the API knows (the contract's enum). */
export type Scope = Session['scopes'][number];

/** Whether the session's scopes allow `scope` (admin implies all). */
export function can(session: Session | null, scope: Scope | (string & {})): boolean {
  return !!session && (session.scopes.includes('admin') || session.scopes.includes(scope as Scope));
}

export type Connector = Schemas['Connector'];
export type Connection = Schemas['Connection'];
/** An OAuth2 connector's OAuth app (`/oauth-apps/:connector`, admin only; never its client secret). */
export type OAuthApp = Schemas['OAuthApp'];
export type ApprovalDecision = Schemas['ApprovalDecision'];
export type Group = Schemas['Group'];
export type Automation = Schemas['Automation'];
export type PrincipalProfile = Schemas['PrincipalProfile'];
/** A recorded webhook delivery (`GET /events`, `/events/:id`). */
export type EventRecord = Schemas['Event'];
/** A bulk cancel's count and progress (`POST /runs/cancel`, `GET /runs/cancel/:jobId`). */
export type BulkCancelProgress = Schemas['BulkCancelProgress'];
/** `GET /system`: versions, database and the Temporal namespace (and its Web UI). */
export type SystemInfo = Schemas['SystemInfo'];
/** `GET /automations/:id/schedule`: the Temporal Schedule of a schedule or poll automation. */
export type Schedule = Schemas['Schedule'];
/** `GET /runs/:id/loops/:stepId`: a page of a loop's iterations and their steps. */
export type LoopIterationsPage = Schemas['LoopIterations'];
export type AutomationVersionSummary = Schemas['AutomationVersionSummary'];
export type AutomationVersion = Schemas['AutomationVersion'];
/** `POST /automations/validate`: the problems a definition would be refused with. */
export type DefinitionValidation = Schemas['DefinitionValidation'];
export type ConnectionTestResult = Schemas['ConnectionTestResult'];
export type OAuthAuthorization = Schemas['OAuthAuthorization'];
export type StepSchemas = Schemas['StepSchemas'];
/** `POST /events/:id/redeliver`: the runs a redelivery started. */
export type Redelivery = Schemas['Redelivery'];
export type RedriveResult = Schemas['RedriveResult'];
export type RunStarted = Schemas['RunStarted'];
export type TestEventStarted = Schemas['TestEventStarted'];
/** A list answer of the API (`items`, and for paged lists `nextCursor`). */
export type ConnectionList = Ok<'getApiV1Connections'>;
export type ConnectorList = Ok<'getApiV1Connectors'>;
export type AutomationList = Ok<'getApiV1Automations'>;
export type EventList = Ok<'getApiV1Events'>;
export type GroupList = Ok<'getApiV1Groups'>;
export type PrincipalList = Ok<'getApiV1Principals'>;
export type AutomationVersionList = Ok<'getApiV1AutomationsIdVersions'>;

// Where the contract leaves a shape open (`{ [key: string]: unknown }` items, a loose trigger,
// fields the Run schema does not list), the console states what it reads. Each refines the
// generated type; tightening the API's response schema makes it redundant.

type RunsAnswer = Ok<'getApiV1Runs'>;
/** `GET /runs` items (the contract: open objects). */
export type RunSummary = RunsAnswer['items'][number] & {
  workflowId: string;
  runId: string;
  automationId?: string;
  version?: number;
  status: string;
  startedAt: string;
  closedAt?: string;
};
/** `GET /runs`: a page of runs and the cursor of the next. */
export type RunsPage = Omit<RunsAnswer, 'items'> & { items: RunSummary[] };
/** A pending approval; `GET /approvals` items also name their run (the contract: open objects). */
export type PendingApproval = Omit<Schemas['PendingApproval'], 'decisions'> & {
  decisions: ApprovalDecision[];
  workflowId?: string;
  automationId?: string;
  /** The automation's name (`GET /approvals` items). */
  automationName?: string;
  version?: number;
};
/** `GET /approvals`: a page of pending approvals, their total and the cursor of the next. */
export type ApprovalsPage = Omit<Ok<'getApiV1Approvals'>, 'items'> & { items: PendingApproval[] };
/** What started a run (`GET /runs/:id` `trigger`; the contract: a type plus open fields). */
export type RunTrigger =
  | { type: 'webhook'; test?: true; event: { type: string; id: string; source: { connector: string; connectionId: string }; receivedAt: string; payload: unknown } }
  | { type: 'schedule'; scheduledAt?: string }
  | { type: 'manual'; principal?: string }
  | { type: 'automation'; parentWorkflowId: string }
  | { type: 'poll'; connectionId: string; trigger: string; id: string; payload: unknown; at?: string };
/** `GET /runs/:id`, with the fields the Run schema does not list yet (error, times). */
export type RunDetail = Omit<Schemas['Run'], 'trigger' | 'pendingApprovals'> & {
  pendingApprovals: PendingApproval[];
  trigger?: RunTrigger;
  error?: { code: string; message: string };
  startedAt?: string;
  closedAt?: string;
};

/** `body.steps[0] (fetch).when` → `steps.0.when`: one dotted form the editor can point at. */
export function normalisePath(path: string): string {
  return path
    .replace(/^body\./, '')
    .replace(/\[(\d+)\](?: \([^)]*\))?/g, '.$1')
    .replace(/^\./, '');
}

/** The problems of a 400 with their paths: `details[]` as `{ path, message }` or as `"path: message"` text. */
export function errorDetails(err: unknown): { path: string; message: string }[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.body.details)) return [];
  return (err.body.details as unknown[]).map(rawDetail).map((d) => ({ ...d, path: normalisePath(d.path) }));
}

function rawDetail(d: unknown): { path: string; message: string } {
  if (typeof d === 'string') {
    const at = d.indexOf(': ');
    return at > 0 ? { path: d.slice(0, at), message: d.slice(at + 2) } : { path: '', message: d };
  }
  const o = (d ?? {}) as { path?: unknown; message?: unknown };
  return { path: Array.isArray(o.path) ? o.path.join('.') : String(o.path ?? ''), message: String(o.message ?? '') };
}
