/**
 * Telegram Bot API calls. The token is part of the URL (`/bot<token>/method`), so
 * error messages are built here without the URL, and the HTTP client's value
 * redaction is the second line of defence. 429s carry `parameters.retry_after`.
 */
import { codeForHttpStatus, ConnectorError } from '../sdk/errors.ts';
import { parseRetryAfter } from '../sdk/retry-after.ts';
import type { ActionContext } from '../sdk/types.ts';
import type { TelegramConfig, TelegramSecrets } from './schemas.ts';

type TelegramCtx = Pick<ActionContext<TelegramConfig, TelegramSecrets>, 'config' | 'secrets' | 'http'>;

interface TelegramReply<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export async function callTelegram<T>(ctx: TelegramCtx, method: string, body: Record<string, unknown>): Promise<T> {
  const config = ctx.config as TelegramConfig;
  const res = await ctx.http.request<TelegramReply<T> | string>({
    method: 'POST',
    url: `${config.baseUrl.replace(/\/$/, '')}/bot${(ctx.secrets as TelegramSecrets).botToken}/${method}`,
    body,
    allowErrorStatus: true,
  });
  const reply = typeof res.body === 'object' && res.body ? res.body : undefined;
  if (res.status < 400 && reply?.ok) return reply.result as T;
  const code = codeForHttpStatus(res.status) ?? 'INVALID_INPUT';
  const retryAfterMs = reply?.parameters?.retry_after !== undefined ? reply.parameters.retry_after * 1000 : parseRetryAfter(res.headers['retry-after']);
  throw new ConnectorError(code, `Telegram ${method} answered ${res.status}: ${reply?.description ?? 'no description'}`, {
    status: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
