import type { ConnectionTestContext, ConnectionTestResult } from '../sdk/index.ts';
import { notTested } from '../sdk/connection-test.ts';
import { authHeaders } from './client.ts';
import type { HttpConfig, HttpSecrets } from './schemas.ts';

/**
 * `GET baseUrl` with the connection's headers and auth: a read is the one call known to
 * be harmless. 2xx/3xx → ok; 401/403 → rejected credentials; other answers → not ok
 * with the status. Without a baseUrl every step names its own URL, so there is nothing to call.
 */
export async function testHttpConnection(ctx: ConnectionTestContext<HttpConfig, HttpSecrets>): Promise<ConnectionTestResult> {
  if (!ctx.config.baseUrl) return notTested('no baseUrl: each step names its own URL, so there is no endpoint to test');
  const res = await ctx.http.request<unknown>({
    method: 'GET',
    url: ctx.config.baseUrl,
    headers: { ...ctx.config.defaultHeaders, ...authHeaders(ctx.secrets) },
    allowErrorStatus: true,
  });
  if (res.status < 400) return { ok: true, message: `GET ${ctx.config.baseUrl} answered ${res.status}` };
  const why = res.status === 401 || res.status === 403 ? ' (credentials rejected)' : '';
  return { ok: false, message: `GET ${ctx.config.baseUrl} answered ${res.status}${why}` };
}
