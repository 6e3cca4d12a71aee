/**
 * Button clicks on approval messages, as Slack delivers them to the Slack connection's
 * webhook URL (form-encoded `payload=` of type `block_actions`, and `view_submission`
 * of the reject modal and of the approve modal that asks a step's form fields). The webhook endpoint has verified the signing secret before
 * this runs; anything not ours goes on to the trigger as an event.
 *
 * The clicking Slack user decides as its principal (`principal_profiles.slack_user_id`,
 * else — with a bot token — the email `users.info` gives). Someone who may not decide
 * gets an ephemeral "you cannot decide this" and nothing changes. After a decision the
 * message is updated for everyone (chat.update). A double click or a Slack retry is the
 * same approver deciding again: the run refuses it, so it decides once.
 */
import { groupEntriesOf } from './groups.ts';
import { callSlack } from '../../connectors/slack/client.ts';
import type { SlackConfig, SlackSecrets } from '../../connectors/slack/schemas.ts';
import { mediaType, parseFormBody, type WebhookRequest } from '../../connectors/sdk/index.ts';
import type { HttpClient } from '../../connectors/sdk/types.ts';
import type { LoadedConnection } from '../connections/store.ts';
import { buildHttp, prepareConnection } from '../connector-host/run-action.ts';
import { getRun } from '../automations/runs.ts';
import { decide } from './decisions.ts';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { ApprovalDecision, PendingApproval } from '../../workflows/automation/types.ts';
import { principalOfSlackUser } from './principal-profiles.ts';
import { headlineOf, requestOf, runPageUrl } from './request.ts';
import { approvalBlocks, approveModal, formBlockId, formValuesOfSubmission, rejectModal, simpleFormFields, SLACK_APPROVAL_ACTIONS, type SlackApprovalRef } from './slack-message.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Slack waits 3 s for the answer; the calls made while it waits are bounded well inside. */
const SLACK_CALL_TIMEOUT_MS = 2_500;

export const CANNOT_DECIDE = 'You cannot decide this approval.';

interface Interaction {
  kind: 'approve' | 'reject' | 'rejectSubmitted' | 'approveSubmitted';
  ref: SlackApprovalRef;
  userId: string;
  channel?: string | undefined;
  ts?: string | undefined;
  responseUrl?: string | undefined;
  triggerId?: string | undefined;
  comment?: string | undefined;
  /** The approve modal's submitted inputs (`view.state.values`). */
  values?: Record<string, Record<string, Json>> | undefined;
}

/** The approval interaction in a Slack delivery, or undefined when it is something else. */
export function approvalInteractionOf(req: Pick<WebhookRequest, 'headers' | 'rawBody'>): Interaction | 'ours' | undefined {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') return undefined;
  const raw = parseFormBody(req)['payload'];
  if (typeof raw !== 'string') return undefined;
  let payload: Json;
  try {
    payload = obj(JSON.parse(raw));
  } catch {
    return undefined;
  }
  const userId = str(obj(payload['user'])['id']);
  const parseRef = (text: unknown): SlackApprovalRef | undefined => {
    try {
      const r = obj(JSON.parse(String(text)));
      return typeof r['w'] === 'string' && typeof r['s'] === 'string' ? { w: r['w'], s: r['s'], ...(str(r['c']) ? { c: str(r['c'])! } : {}), ...(str(r['t']) ? { t: str(r['t'])! } : {}) } : undefined;
    } catch {
      return undefined;
    }
  };
  if (payload['type'] === 'block_actions') {
    const action = obj((payload['actions'] as unknown[] | undefined)?.[0]);
    const id = action['action_id'];
    if (id === SLACK_APPROVAL_ACTIONS.open) return 'ours';
    if (id !== SLACK_APPROVAL_ACTIONS.approve && id !== SLACK_APPROVAL_ACTIONS.reject) return undefined;
    const ref = parseRef(action['value']);
    if (!ref || !userId) return 'ours';
    const container = obj(payload['container']);
    return {
      kind: id === SLACK_APPROVAL_ACTIONS.approve ? 'approve' : 'reject',
      ref,
      userId,
      channel: str(container['channel_id']) ?? str(obj(payload['channel'])['id']),
      ts: str(container['message_ts']) ?? str(obj(payload['message'])['ts']),
      responseUrl: str(payload['response_url']),
      triggerId: str(payload['trigger_id']),
    };
  }
  const callbackId = obj(payload['view'])['callback_id'];
  if (payload['type'] === 'view_submission' && (callbackId === SLACK_APPROVAL_ACTIONS.rejectModal || callbackId === SLACK_APPROVAL_ACTIONS.approveModal)) {
    const view = obj(payload['view']);
    const ref = parseRef(view['private_metadata']);
    if (!ref || !userId) return 'ours';
    const values = obj(obj(view['state'])['values']) as Record<string, Record<string, Json>>;
    const comment = str(obj(obj(values['comment'])['comment'])['value']);
    const kind = callbackId === SLACK_APPROVAL_ACTIONS.approveModal ? 'approveSubmitted' : 'rejectSubmitted';
    return { kind, ref, userId, channel: ref.c, ts: ref.t, comment: comment?.trim().slice(0, 10_000), ...(kind === 'approveSubmitted' ? { values } : {}) };
  }
  return undefined;
}

interface SlackCtx {
  config: SlackConfig;
  secrets: SlackSecrets;
  http: HttpClient;
}

/** What the webhook endpoint answers Slack. */
export interface InteractionAnswer {
  status: number;
  body: unknown;
  contentType?: string;
}

/** Slack acknowledges a click with an empty 200. */
const OK: InteractionAnswer = { status: 200, body: '', contentType: 'text/plain' };

/**
 * Handles an approval interaction of a verified Slack delivery; undefined when the
 * delivery is not one (it then becomes an event as before).
 */
export async function handleSlackApprovalInteraction(services: Services, connection: LoadedConnection, request: WebhookRequest): Promise<InteractionAnswer | undefined> {
  const it = approvalInteractionOf(request);
  if (it === undefined) return undefined;
  if (it === 'ours') return OK;
  const log = services.logger.child({ connectionId: connection.id, workflowId: it.ref.w, stepId: it.ref.s });
  const retried = request.headers['x-slack-retry-num'] !== undefined;
  const prepared = await prepareConnection(services.orm.em.fork(), services.keyring, services.connectors, connection.id, { cache: services.connectionCache });
  const ctx: SlackCtx = {
    config: prepared.config as SlackConfig,
    secrets: prepared.secrets as SlackSecrets,
    http: buildHttp(prepared, (u, init = {}) => services.outbound.fetch(u, { ...init, timeoutMs: init.timeoutMs ?? SLACK_CALL_TIMEOUT_MS }), services.outbound.resolveHost, AbortSignal.timeout(SLACK_CALL_TIMEOUT_MS * 2)),
  };
  // A refusal: told to the clicking user only (a modal shows it beside its field).
  const refuse = async (text: string): Promise<InteractionAnswer> => {
    if (retried) return OK;
    if (it.kind === 'rejectSubmitted' || it.kind === 'approveSubmitted') return { status: 200, body: { response_action: 'errors', errors: { comment: text } } };
    await tell(ctx, it, text).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Slack ephemeral refusal not sent'));
    return OK;
  };

  const principal = await resolvePrincipal(services, ctx, it.userId).catch((err: unknown) => {
    log.warn({ err: (err as Error).message }, 'Slack user not resolved');
    return undefined;
  });
  if (!principal) return refuse(`${CANNOT_DECIDE} Your Slack user is not linked to a Switchboard principal.`);

  let pending: PendingApproval | undefined;
  let automationName = '';
  try {
    const run = await getRun(services, it.ref.w);
    automationName = run.name;
    pending = run.pendingApprovals.find((p) => p.stepId === it.ref.s);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
  }
  if (!pending) return refuse('This approval has already been decided or has timed out.');
  const listed = pending.approvers.length === 0 || pending.approvers.includes(principal) || (await groupEntriesOf(services.orm.em.fork(), principal, pending.approvers)).length > 0;
  if (!listed) return refuse(`${CANNOT_DECIDE} (${principal} is not among its approvers)`);
  if (pending.decisions.some((d) => d.approver === principal)) return refuse(`You (${principal}) have already decided this approval.`);

  if (it.kind === 'reject' && it.triggerId && ctx.secrets.botToken) {
    // Reject asks for a comment first; the modal's submission decides.
    await callSlack(ctx, 'views.open', { trigger_id: it.triggerId, view: rejectModal({ ...it.ref, c: it.channel, t: it.ts }, headlineOf(requestOf(it.ref.w, automationName, pending))) });
    return OK;
  }
  if (it.kind === 'approve' && pending.form) {
    // Approving asks for the form's fields first, in a modal; its submission decides.
    const modal = approveModal({ ...it.ref, c: it.channel, t: it.ts }, headlineOf(requestOf(it.ref.w, automationName, pending)), pending.form);
    if (!modal || !it.triggerId || !ctx.secrets.botToken) return refuse(`This approval asks for a form that Slack cannot show: approve it in Switchboard (${runPageUrl(services.config.publicUrl, it.ref.w)}).`);
    await callSlack(ctx, 'views.open', { trigger_id: it.triggerId, view: modal });
    return OK;
  }
  const form = it.kind === 'approveSubmitted' && pending.form ? formValuesOfSubmission(pending.form, (it.values ?? {}) as never) : undefined;
  let decision: ApprovalDecision;
  try {
    decision = await decide(services, it.ref.w, {
      stepId: it.ref.s,
      decision: it.kind === 'approve' || it.kind === 'approveSubmitted' ? 'approve' : 'reject',
      approver: principal,
      comment: it.comment || null,
      ...(form ? { form } : {}),
      channel: 'slack',
    });
  } catch (err) {
    // The form's values do not match its schema: each error beside its field, the approval still pending.
    if (err instanceof ApiError && err.status === 400 && it.kind === 'approveSubmitted' && !retried) return { status: 200, body: { response_action: 'errors', errors: modalErrors(err, pending.form) } };
    if (err instanceof ApiError && (err.status === 403 || err.status === 409 || err.status === 404)) return refuse(err.status === 403 ? CANNOT_DECIDE : err.message);
    throw err;
  }
  log.info({ principal, decision: decision.decision }, 'approval decided in Slack');
  if (it.channel && it.ts && ctx.secrets.botToken) {
    const decisions = [...pending.decisions, decision];
    const approvals = new Set(decisions.filter((d) => d.decision === 'approve').map((d) => d.approver)).size;
    const closed = decision.decision === 'reject' || approvals >= pending.quorum;
    const { text, blocks } = approvalBlocks(requestOf(it.ref.w, automationName, pending), services.config.publicUrl, { decisions, closed });
    await callSlack(ctx, 'chat.update', { channel: it.channel, ts: it.ts, text, blocks }).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Slack approval message not updated'));
  }
  return it.kind === 'rejectSubmitted' || it.kind === 'approveSubmitted' ? { status: 200, body: { response_action: 'clear' } } : OK;
}

/** A refused form as modal errors: `form.<field>` details beside their field's block, the rest beside the comment. */
function modalErrors(err: ApiError, form: Record<string, unknown> | undefined): Record<string, string> {
  const fields = new Set((form && simpleFormFields(form)?.map(([name]) => name)) ?? []);
  const errors: Record<string, string> = {};
  const details = Array.isArray(err.details) ? (err.details as { path?: unknown; message?: unknown }[]) : [];
  for (const d of details) {
    const field = typeof d.path === 'string' && d.path.startsWith('form.') ? d.path.slice('form.'.length).split('.')[0]! : undefined;
    const block = field !== undefined && fields.has(field) ? formBlockId(field) : 'comment';
    const message = String(d.message ?? 'invalid');
    errors[block] = (errors[block] ? `${errors[block]}; ${message}` : message).slice(0, 2000);
  }
  if (Object.keys(errors).length === 0) errors['comment'] = err.message.slice(0, 2000);
  return errors;
}

/** The principal of a Slack user: mapped by id, else (bot token) by the email users.info gives. */
async function resolvePrincipal(services: Services, ctx: SlackCtx, userId: string): Promise<string | undefined> {
  const em = services.orm.em.fork();
  const mapped = await principalOfSlackUser(em, userId);
  if (mapped || !ctx.secrets.botToken) return mapped;
  // users.info takes form arguments (read methods do not accept JSON bodies).
  const info = await callSlack<{ user?: { profile?: { email?: string } } }>(ctx, 'users.info', { user: userId }, 'form');
  const email = info.user?.profile?.email;
  return email ? principalOfSlackUser(em, userId, email) : undefined;
}

/** An ephemeral message to the clicking user: through the interaction's response_url, else chat.postEphemeral. */
async function tell(ctx: SlackCtx, it: Interaction, text: string): Promise<void> {
  if (it.responseUrl) {
    await ctx.http.request({ method: 'POST', url: it.responseUrl, body: { response_type: 'ephemeral', replace_original: false, text } });
    return;
  }
  if (it.channel && ctx.secrets.botToken) await callSlack(ctx, 'chat.postEphemeral', { channel: it.channel, user: it.userId, text });
}
