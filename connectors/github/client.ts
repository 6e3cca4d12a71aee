/** GitHub REST calls with the headers GitHub asks for. Status codes map through the HTTP client. */
import { ConnectorError } from '../sdk/errors.ts';
import type { ActionContext, HttpRequest } from '../sdk/types.ts';
import type { GithubConfig, GithubSecrets } from './schemas.ts';

type GithubCtx = Pick<ActionContext<GithubConfig, GithubSecrets>, 'config' | 'secrets' | 'http'>;

export async function callGithub<T>(ctx: GithubCtx, method: NonNullable<HttpRequest['method']>, path: string, body?: unknown): Promise<T> {
  const { token } = ctx.secrets as GithubSecrets;
  if (!token) throw new ConnectorError('CONFIG_INVALID', 'the GitHub connection has no token');
  const res = await ctx.http.request<T>({
    method,
    url: `${(ctx.config as GithubConfig).baseUrl.replace(/\/$/, '')}${path}`,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'switchboard',
    },
    ...(body === undefined ? {} : { body }),
  });
  return res.body;
}

export const enc = encodeURIComponent;
