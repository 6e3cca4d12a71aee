/**
 * Slack Web API calls. Slack answers most failures with HTTP 200 and
 * `{ ok: false, error }`: those error names are mapped to connector codes here;
 * HTTP 429 (with Retry-After) is mapped by the HTTP client.
 */
import { ConnectorError, type ErrorCode } from '../sdk/errors.ts';
import type { ActionContext } from '../sdk/types.ts';
import type { SlackConfig, SlackSecrets } from './schemas.ts';

const CODE_OF_SLACK_ERROR: Record<string, ErrorCode> = {
  not_authed: 'AUTH_FAILED',
  invalid_auth: 'AUTH_FAILED',
  token_revoked: 'AUTH_FAILED',
  token_expired: 'AUTH_FAILED',
  account_inactive: 'AUTH_FAILED',
  missing_scope: 'FORBIDDEN',
  not_allowed_token_type: 'FORBIDDEN',
  not_in_channel: 'FORBIDDEN',
  channel_not_found: 'NOT_FOUND',
  ratelimited: 'RATE_LIMITED',
  internal_error: 'UPSTREAM_5XX',
  fatal_error: 'UPSTREAM_5XX',
  service_unavailable: 'UPSTREAM_5XX',
  request_timeout: 'TIMEOUT',
};

type SlackCtx = Pick<ActionContext<SlackConfig, SlackSecrets>, 'config' | 'secrets' | 'http'>;

/**
 * Calls a Web API method with the bot token; returns the body when `ok`. Arguments go
 * as JSON, or form-encoded for the methods that accept no JSON (`files.*External`).
 */
export async function callSlack<T extends Record<string, unknown>>(
  ctx: SlackCtx,
  method: string,
  body: Record<string, unknown>,
  encoding: 'json' | 'form' = 'json',
): Promise<T & { ok: true }> {
  const token = ctx.secrets.botToken;
  if (!token) throw new ConnectorError('CONFIG_INVALID', 'the Slack connection has no botToken');
  const form = () => new URLSearchParams(Object.entries(body).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, typeof v === 'string' ? v : JSON.stringify(v)]])));
  const res = await ctx.http.request<T & { ok: boolean; error?: string }>({
    method: 'POST',
    url: `${ctx.config.baseUrl.replace(/\/$/, '')}/${method}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': encoding === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded' },
    body: encoding === 'json' ? body : form().toString(),
  });
  const data = res.body;
  if (!data || typeof data !== 'object') throw new ConnectorError('UPSTREAM_5XX', `Slack ${method} answered a non-JSON body`);
  if (data.ok !== true) {
    const error = String(data.error ?? 'unknown_error');
    throw new ConnectorError(CODE_OF_SLACK_ERROR[error] ?? 'INVALID_INPUT', `Slack ${method} failed: ${error}`);
  }
  return data as T & { ok: true };
}

/**
 * Posts to an incoming webhook (`https://hooks.slack.com/services/…`): JSON in, the
 * plain text `ok` out. Slack fixes the channel when the webhook is created; failures
 * come back as 4xx with a text reason (`invalid_payload`, `channel_is_archived`).
 */
export async function postIncomingWebhook(ctx: Pick<SlackCtx, 'http'>, url: string, payload: Record<string, unknown>): Promise<void> {
  const res = await ctx.http.request<string>({ method: 'POST', url, body: payload });
  if (typeof res.body === 'string' && res.body.trim() !== 'ok') throw new ConnectorError('INVALID_INPUT', `Slack webhook answered: ${res.body.slice(0, 200)}`);
}

/** Answers of an incoming webhook that mean the URL itself is wrong or dead. */
const DEAD_WEBHOOK_REASONS = ['invalid_token', 'no_service', 'no_team', 'team_disabled', 'channel_not_found', 'channel_is_archived', 'action_prohibited'];

/**
 * Checks an incoming webhook URL without posting: Slack answers an empty POST on a
 * live URL with 400 `invalid_payload` (or `no_text`), and a revoked or mistyped one
 * with 403 `invalid_token` / 404 `no_service` (410 for an archived channel).
 */
export async function checkIncomingWebhook(ctx: Pick<SlackCtx, 'http'>, url: string): Promise<{ ok: boolean; message: string }> {
  const res = await ctx.http.request<unknown>({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '', allowErrorStatus: true });
  const reason = (typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '')).trim().slice(0, 100);
  if (res.status === 400 && /invalid_payload|no_text|missing_text/.test(reason)) {
    return { ok: true, message: `incoming webhook URL is live (Slack answered ${reason} to an empty test post; nothing was posted)` };
  }
  if (DEAD_WEBHOOK_REASONS.some((r) => reason.includes(r)) || [403, 404, 410].includes(res.status)) {
    return { ok: false, message: `incoming webhook URL is not valid: Slack answered ${res.status} ${reason || '(no reason)'}` };
  }
  return { ok: false, message: `incoming webhook URL could not be checked: Slack answered ${res.status} ${reason}`.trim() };
}
