/** Jira Cloud REST v3 calls with basic auth (account email + API token). */
import { ConnectorError } from '../sdk/errors.ts';
import type { ActionContext, HttpRequest } from '../sdk/types.ts';
import type { JiraConfig, JiraSecrets } from './schemas.ts';

type JiraCtx = Pick<ActionContext<JiraConfig, JiraSecrets>, 'config' | 'secrets' | 'http'>;

export async function callJira<T>(ctx: JiraCtx, method: NonNullable<HttpRequest['method']>, path: string, body?: unknown): Promise<T> {
  const config = ctx.config as JiraConfig;
  const { apiToken } = ctx.secrets as JiraSecrets;
  if (!config.email || !apiToken) throw new ConnectorError('CONFIG_INVALID', 'the Jira connection needs config.email and the secret apiToken for API calls');
  const basic = Buffer.from(`${config.email}:${apiToken}`).toString('base64');
  const res = await ctx.http.request<T>({
    method,
    url: `${config.baseUrl.replace(/\/$/, '')}/rest/api/3${path}`,
    headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return res.body;
}
