/** Sheets v4 REST calls with the connection's OAuth bearer token. Status codes map through the HTTP client (401 → AUTH_FAILED). */
import type { OAuthSecrets } from '../sdk/oauth.ts';
import type { ActionContext, HttpRequest } from '../sdk/types.ts';
import type { SheetsConfig } from './schemas.ts';

type SheetsCtx = Pick<ActionContext<SheetsConfig, OAuthSecrets>, 'config' | 'secrets' | 'http'>;

/** The values path of a range: `/v4/spreadsheets/{id}/values/{range}`. */
export const valuesPath = (spreadsheetId: string, range: string): string => `/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(range)}`;

export async function callSheets<T>(ctx: SheetsCtx, method: NonNullable<HttpRequest['method']>, path: string, query: HttpRequest['query'], body?: unknown): Promise<T> {
  const res = await ctx.http.request<T>({
    method,
    url: `${ctx.config.baseUrl.replace(/\/$/, '')}${path}`,
    headers: { authorization: `Bearer ${ctx.secrets.accessToken}` },
    ...(query ? { query } : {}),
    ...(body === undefined ? {} : { body }),
  });
  return res.body;
}
