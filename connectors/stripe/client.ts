/**
 * Stripe API calls: form-encoded bodies, bearer secret key, and the step's
 * idempotency key as Stripe's `Idempotency-Key`, so a retried step creates one object
 * (Stripe replays the first answer for 24 h).
 */
import { ConnectorError } from '../sdk/errors.ts';
import type { ActionContext, HttpRequest } from '../sdk/types.ts';
import type { StripeConfig, StripeSecrets } from './schemas.ts';

type StripeCtx = Pick<ActionContext<StripeConfig, StripeSecrets>, 'config' | 'secrets' | 'http'> & { idempotencyKey?: string };

/** Stripe's bracket notation: `{ metadata: { a: 1 } }` → `metadata[a]=1`. */
export function toForm(value: Record<string, unknown>, form = new URLSearchParams(), prefix = ''): URLSearchParams {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    const key = prefix ? `${prefix}[${k}]` : k;
    if (Array.isArray(v)) v.forEach((item, i) => (typeof item === 'object' && item ? toForm(item as Record<string, unknown>, form, `${key}[${i}]`) : form.append(`${key}[${i}]`, String(item))));
    else if (typeof v === 'object') toForm(v as Record<string, unknown>, form, key);
    else form.append(key, String(v));
  }
  return form;
}

export async function callStripe<T>(ctx: StripeCtx, method: NonNullable<HttpRequest['method']>, path: string, params?: Record<string, unknown>): Promise<T> {
  const { apiKey } = ctx.secrets as StripeSecrets;
  if (!apiKey) throw new ConnectorError('CONFIG_INVALID', 'the Stripe connection has no apiKey');
  const config = ctx.config as StripeConfig;
  const res = await ctx.http.request<T>({
    method,
    url: `${config.baseUrl.replace(/\/$/, '')}${path}`,
    headers: {
      authorization: `Bearer ${apiKey}`,
      'stripe-version': config.apiVersion,
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      // Every action call carries the step's key (Stripe dedupes POSTs by it and ignores it on GETs).
      ...(ctx.idempotencyKey ? { 'idempotency-key': ctx.idempotencyKey } : {}),
    },
    ...(params && method === 'POST' ? { body: toForm(params).toString() } : {}),
  });
  return res.body;
}
