/**
 * Twilio REST API calls (`/2010-04-01/Accounts/{AccountSid}/…`): HTTP Basic auth with
 * `accountSid:authToken`, form-encoded bodies, and the step's idempotency key as
 * `I-Twilio-Idempotency-Token` on POSTs. Statuses map through the SDK's
 * `codeForHttpStatus` (401 → AUTH_FAILED, 429 → RATE_LIMITED with `Retry-After`,
 * 5xx → UPSTREAM_5XX); the message of Twilio's error JSON
 * (`{ code, message, more_info, status }`) is surfaced with its code.
 */
import { parseRetryAfter } from '../sdk/retry-after.ts';
import { codeForHttpStatus, ConnectorError, secretList, type ActionContext, type HttpRequest } from '../sdk/index.ts';
import type { TwilioConfig, TwilioSecrets } from './schemas.ts';

type TwilioCtx = Pick<ActionContext<TwilioConfig, TwilioSecrets>, 'config' | 'secrets' | 'http'> & { idempotencyKey?: string };

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

/** Twilio's error body. */
interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** The connection's Account SID; CONFIG_INVALID when it is missing or malformed. */
export function accountSidOf(config: Pick<TwilioConfig, 'accountSid'>): string {
  const sid = config.accountSid?.trim();
  if (!sid) throw new ConnectorError('CONFIG_INVALID', 'the Twilio connection has no accountSid (config.accountSid, AC…): it is needed to call the API');
  if (!ACCOUNT_SID.test(sid)) throw new ConnectorError('CONFIG_INVALID', 'config.accountSid must be an Account SID (AC + 32 hex digits)');
  return sid;
}

/**
 * The auth token API calls use: the first of the list, as the webhook trigger reads
 * it (`secretList`: an array while rotating, else the one string). The others stay valid for
 * webhook signatures only, while a rotation is under way.
 */
export function currentAuthToken(secrets: Pick<TwilioSecrets, 'authToken'>): string {
  const token = secretList(secrets.authToken)[0];
  if (!token) throw new ConnectorError('CONFIG_INVALID', 'the Twilio connection has no authToken');
  return token;
}

function errorText(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (!body || typeof body !== 'object') return 'no error body';
  const e = body as TwilioError;
  const message = typeof e.message === 'string' ? e.message.slice(0, 300) : JSON.stringify(body).slice(0, 300);
  const code = typeof e.code === 'number' || typeof e.code === 'string' ? ` (Twilio error ${e.code}${typeof e.more_info === 'string' ? `, ${e.more_info}` : ''})` : '';
  return `${message}${code}`;
}

/**
 * Calls `path` under `/2010-04-01/Accounts/{AccountSid}` (`''` is the account itself).
 * `form` is sent as `application/x-www-form-urlencoded`; array values repeat the field
 * (`MediaUrl=a&MediaUrl=b`), undefined values are left out.
 */
export async function callTwilio<T>(ctx: TwilioCtx, method: NonNullable<HttpRequest['method']>, path: string, form?: Record<string, string | string[] | undefined>): Promise<T> {
  const config = ctx.config as TwilioConfig;
  const accountSid = accountSidOf(config);
  const token = currentAuthToken(ctx.secrets as TwilioSecrets);
  const credentials = Buffer.from(`${accountSid}:${token}`).toString('base64');
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form ?? {})) for (const item of v === undefined ? [] : Array.isArray(v) ? v : [v]) body.append(k, item);
  const apiPath = `/2010-04-01/Accounts/${accountSid}${path}.json`;
  const res = await ctx.http.request<T | TwilioError | string>({
    method,
    url: `${config.baseUrl.replace(/\/$/, '')}${apiPath}`,
    headers: {
      authorization: `Basic ${credentials}`,
      accept: 'application/json',
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(method === 'POST' && ctx.idempotencyKey ? { 'i-twilio-idempotency-token': ctx.idempotencyKey } : {}),
    },
    ...(method === 'POST' ? { body: body.toString() } : {}),
    allowErrorStatus: true,
  });
  const code = codeForHttpStatus(res.status);
  if (!code) return res.body as T;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  // This error is built here (allowErrorStatus), outside the HTTP client's own scrubbing:
  // the activity's redactor knows the sent credential too, but a direct caller of the
  // action must not see an echoed Authorization header either.
  const text = errorText(res.body).replaceAll(credentials, '[redacted]').replaceAll(token, '[redacted]');
  throw new ConnectorError(code, `Twilio ${method} ${apiPath} answered ${res.status}: ${text}`, {
    status: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
