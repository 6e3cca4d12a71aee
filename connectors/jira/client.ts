/** Jira Cloud REST v3 calls with basic auth (account email + API token). */
import type { ActionContext, HttpRequest } from '../sdk/types.ts';
import type { JiraConfig, JiraSecrets } from './schemas.ts';

type JiraCtx = Pick<ActionContext<JiraConfig, JiraSecrets>, 'config' | 'secrets' | 'http'>;

export async function callJira<T>(ctx: JiraCtx, method: NonNullable<HttpRequest['method']>, path: string, body?: unknown): Promise<T> {
  const config = ctx.config as JiraConfig;
  const basic = Buffer.from(`${config.email}:${(ctx.secrets as JiraSecrets).apiToken}`).toString('base64');
  const res = await ctx.http.request<T>({
    method,
    url: `${config.baseUrl.replace(/\/$/, '')}/rest/api/3${path}`,
    headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return res.body;
}
