// The console talks only to the public /api/v1 with its session cookie; state changes
// carry the session's CSRF token. The API key itself never reaches browser storage.
export interface Session {
  /** The principal's name (who requests are attributed to; the approver name it decides as). */
  principal: string;
  scopes: string[];
  csrfToken: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { path: string; message: string }[] | unknown;
}

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
export function setCsrfToken(token: string): void {
  csrfToken = token;
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

/** Whether the session's scopes allow `scope` (admin implies all). */
export function can(session: Session | null, scope: string): boolean {
  return !!session && (session.scopes.includes('admin') || session.scopes.includes(scope));
}

export interface Connector {
  key: string;
  displayName: string;
  description: string;
  configSchema: Record<string, unknown>;
  secretsSchema: Record<string, unknown>;
  secretFields: string[];
  actions: { key: string; description: string; inputSchema: Record<string, unknown> }[];
  triggers: { key: string; description: string; events: string[] }[];
  testable: boolean;
  capabilities: string[];
}
export interface Connection {
  id: string;
  connector: string;
  name: string;
  config: Record<string, unknown>;
  secretFields: string[];
  createdAt: string;
  updatedAt: string;
}
export interface RunSummary {
  workflowId: string;
  runId: string;
  automationId?: string;
  version?: number;
  status: string;
  startedAt: string;
  closedAt?: string;
}
export interface ApprovalDecision {
  approver: string;
  decidedBy?: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  decidedAt: string;
}
export interface PendingApproval {
  stepId: string;
  approvers: string[];
  quorum: number;
  expiresAt: string;
  message?: string;
  decisions: ApprovalDecision[];
  workflowId?: string;
  automationId?: string;
  version?: number;
}
export interface PendingEventWait {
  stepId: string;
  event: string;
  key: string;
  connection?: string;
  deadline: string;
}
export interface RunDetail {
  workflowId: string;
  runId: string;
  status: string;
  automationId: string;
  version: number;
  steps: { id: string; type: string; status: string; attempts: number; output?: unknown; error?: { code: string; message: string }; startedAt?: string; finishedAt?: string }[];
  pendingApprovals: PendingApproval[];
  /** The events a waiting run is parked on (`wait_for_event` steps). */
  waitingFor?: PendingEventWait[];
  result?: unknown;
  error?: { code: string; message: string };
  trigger?: RunTrigger;
  startedAt?: string;
  closedAt?: string;
}
/** What started a run (`GET /runs/:id` `trigger`). */
export type RunTrigger =
  | { type: 'webhook'; test?: true; event: { type: string; id: string; source: { connector: string; connectionId: string }; receivedAt: string; payload: unknown } }
  | { type: 'schedule'; scheduledAt?: string }
  | { type: 'manual'; principal?: string }
  | { type: 'automation'; parentWorkflowId: string };
export interface Automation {
  id: string;
  name: string;
  description: string | null;
  version: number;
  trigger: Record<string, unknown>;
  definition: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

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
/** A recorded webhook delivery (`GET /events`, `/events/:id`). */
export interface EventRecord {
  id: string;
  deliveryId: string;
  type: string;
  connector: string;
  connectionId: string;
  receivedAt: string;
  payload?: unknown;
  unparsed: boolean;
  noSubscriber: boolean;
  runs: { workflowId: string; automationId?: string; status: string; startedAt: string }[];
  /** Deliveries of the same id after the first (answered 200 with the same ids). */
  duplicates: number;
}
