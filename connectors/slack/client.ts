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

/** Calls a Web API method with the bot token; returns the body when `ok`. */
export async function callSlack<T extends Record<string, unknown>>(ctx: SlackCtx, method: string, body: Record<string, unknown>): Promise<T & { ok: true }> {
  const token = ctx.secrets.botToken;
  if (!token) throw new ConnectorError('CONFIG_INVALID', 'the Slack connection has no botToken');
  const res = await ctx.http.request<T & { ok: boolean; error?: string }>({
    method: 'POST',
    url: `${ctx.config.baseUrl.replace(/\/$/, '')}/${method}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body,
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
