/**
 * SendGrid v3 calls: bearer API key, JSON. Error statuses map through the HTTP client
 * (SendGrid's `{ errors: [{ message, field }] }` is quoted in the message); SendGrid
 * sends no Retry-After on 429, so the step's retry policy paces the retries.
 */
import { ConnectorError } from '../sdk/errors.ts';
import type { ActionContext, HttpRequest, HttpResponse } from '../sdk/types.ts';
import type { SendgridConfig, SendgridSecrets } from './schemas.ts';

type SendgridCtx = Pick<ActionContext<SendgridConfig, SendgridSecrets>, 'config' | 'secrets' | 'http'>;

export async function callSendgrid<T>(ctx: SendgridCtx, method: NonNullable<HttpRequest['method']>, path: string, body?: unknown): Promise<HttpResponse<T>> {
  const { apiKey } = ctx.secrets;
  if (!apiKey) throw new ConnectorError('CONFIG_INVALID', 'the SendGrid connection has no apiKey');
  return ctx.http.request<T>({
    method,
    url: `${ctx.config.baseUrl.replace(/\/$/, '')}${path}`,
    headers: { authorization: `Bearer ${apiKey}` },
    ...(body === undefined ? {} : { body }),
  });
}
