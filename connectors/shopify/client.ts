/**
 * Shopify Admin REST calls: `X-Shopify-Access-Token`, the versioned path
 * `/admin/api/<version>/…`. Error statuses map through the HTTP client (429 waits
 * Shopify's `Retry-After`); 422 `{ errors }` is INVALID_INPUT with Shopify's text.
 */
import { ConnectorError } from '../sdk/errors.ts';
import type { ActionContext, HttpRequest } from '../sdk/types.ts';
import type { ShopifyConfig, ShopifySecrets } from './schemas.ts';

type ShopifyCtx = Pick<ActionContext<ShopifyConfig, ShopifySecrets>, 'config' | 'secrets' | 'http'>;

const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** `https://acme.myshopify.com` from the config, or CONFIG_INVALID. */
export function shopOrigin(config: ShopifyConfig): string {
  if (config.baseUrl) return config.baseUrl.replace(/\/$/, '');
  const raw = (config.shopDomain ?? '').trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!raw) throw new ConnectorError('CONFIG_INVALID', 'the Shopify connection has no shopDomain');
  const host = raw.includes('.') ? raw : `${raw}.myshopify.com`;
  if (!MYSHOPIFY.test(host)) throw new ConnectorError('CONFIG_INVALID', `shopDomain must be the shop's myshopify.com domain, got "${raw}"`);
  return `https://${host}`;
}

export async function callShopify<T>(ctx: ShopifyCtx, method: NonNullable<HttpRequest['method']>, path: string, body?: unknown): Promise<T> {
  const token = ctx.secrets.accessToken;
  if (!token) throw new ConnectorError('CONFIG_INVALID', 'the Shopify connection has no accessToken (Admin API access token)');
  const res = await ctx.http.request<T>({
    method,
    url: `${shopOrigin(ctx.config)}/admin/api/${ctx.config.apiVersion}${path}`,
    headers: { 'x-shopify-access-token': token },
    ...(body === undefined ? {} : { body }),
  });
  return res.body;
}
