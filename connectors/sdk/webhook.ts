/**
 * Helpers for webhook triggers: parsing a verified raw body, the body hash used as
 * a fallback delivery id, and the per-connection webhook settings every connector
 * with a trigger spreads into its config schema.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WebhookPayloadError } from './errors.ts';
import type { WebhookRequest } from './types.ts';

/**
 * Default and ceiling of a connection's webhook body limit (bytes).
 *
 * @example
 * const limit = connection.config.maxBodyBytes ?? WEBHOOK_BODY_LIMIT.default;
 */
export const WEBHOOK_BODY_LIMIT = { default: 1024 * 1024, max: 1536 * 1024 } as const;

/**
 * Config fields shared by every connector with a webhook trigger: spread them into
 * the connector's `config` object schema.
 *
 * @example
 * config: z.object({ ...webhookConfigShape, owner: z.string() })
 */
export const webhookConfigShape = {
  /** Largest accepted delivery body in bytes (default 1 MiB). */
  webhookMaxBodyBytes: z.number().int().min(1).max(WEBHOOK_BODY_LIMIT.max).optional(),
};

/**
 * A webhook signing secret in a connector's `secrets`: one, or several during a rotation
 * (any one valid signature accepts).
 *
 * @example
 * secrets: z.object({ token: z.string().min(1), webhookSecret: webhookSecretSchema.optional() })
 */
export const webhookSecretSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * SHA-256 (hex) of the body: the delivery id when a provider sends none.
 *
 * @example
 * deliveryId: (req) => headerValue(req, 'x-acme-delivery') ?? bodySha256(req)
 */
export function bodySha256(req: Pick<WebhookRequest, 'rawBody'>): string {
  return createHash('sha256').update(req.rawBody).digest('hex');
}

/**
 * The media type of the request, lower-case, without parameters.
 *
 * @example
 * mediaType({ headers: { 'content-type': 'Application/JSON; charset=utf-8' } }) // 'application/json'
 */
export function mediaType(req: Pick<WebhookRequest, 'headers'>): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * True for `application/json` and `application/<x>+json`.
 *
 * @example
 * isJsonMediaType('application/vnd.api+json') // true
 */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/**
 * Parses a JSON body; throws {@link WebhookPayloadError} when it is not JSON.
 *
 * @example
 * const body = parseJsonBody(req); // unknown: any JSON value
 */
export function parseJsonBody(req: Pick<WebhookRequest, 'rawBody'>): unknown {
  try {
    return JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('body is not valid JSON');
  }
}

/**
 * Parses a JSON body that must be an object (what every provider sends); throws
 * {@link WebhookPayloadError} `<what> is not an object` otherwise.
 *
 * @example
 * const event = parseJsonObject(req); // { id: 'evt_1', type: 'invoice.paid', … }
 * const update = parseJsonObject(req, 'update');
 */
export function parseJsonObject(req: Pick<WebhookRequest, 'rawBody'>, what = 'payload'): Record<string, unknown> {
  const body = parseJsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WebhookPayloadError(`${what} is not an object`);
  return body as Record<string, unknown>;
}

/**
 * Parses a form body; repeated names become arrays.
 *
 * @example
 * parseFormBody({ rawBody: Buffer.from('a=1&a=2&b=3') }) // { a: ['1', '2'], b: '3' }
 */
export function parseFormBody(req: Pick<WebhookRequest, 'rawBody'>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Parses the body by its content type: JSON, form, or text.
 *
 * @example
 * const payload = parseWebhookBody(req); // JSON, form fields or text, by content type
 */
export function parseWebhookBody(req: Pick<WebhookRequest, 'rawBody' | 'headers'>): unknown {
  const type = mediaType(req);
  if (isJsonMediaType(type)) return parseJsonBody(req);
  if (type === 'application/x-www-form-urlencoded') return parseFormBody(req);
  return req.rawBody.toString('utf8');
}

/**
 * Picks the named headers that exist (for `NormalizedEvent.headers`; never secrets).
 *
 * @example
 * headers: pickHeaders(req, ['x-github-event', 'x-github-delivery'])
 */
export function pickHeaders(req: Pick<WebhookRequest, 'headers'>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = req.headers[n];
    if (typeof v === 'string') out[n] = v;
  }
  return out;
}

/**
 * `a.b.c` from provider names like `orders/create` or `invoice.paid`: dot-separated, safe characters only.
 *
 * @example
 * eventTypeOf('shopify', 'orders/create') // 'shopify.orders.create'
 */
export function eventTypeOf(...parts: (string | undefined | null)[]): string {
  return parts
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .flatMap((p) => p.split(/[/.]/))
    .map((p) => p.trim().replace(/[^\w-]/g, '_').slice(0, 64))
    .filter(Boolean)
    .join('.');
}
