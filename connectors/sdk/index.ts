/**
 * The connector SDK: `defineConnector`, `defineAction`, `defineTrigger`, error codes.
 *
 * @example
 * export default defineConnector({
 *   key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'Acme API',
 *   config: z.object({ baseUrl: z.url() }), secrets: z.object({ token: z.string() }),
 *   actions: { ping: defineAction({ description: 'Ping', input: z.object({}), output: z.object({ ok: z.boolean() }),
 *     idempotent: true, run: async (ctx) => ({ ok: (await ctx.http.request({ url: ctx.config.baseUrl })).status === 200 }) }) },
 * });
 */
import type { z, ZodObject, ZodType } from 'zod';
import type { ActionContext, ActionDefinition, ConnectorDefinition, TriggerDefinition } from './types.ts';

export * from './types.ts';
export * from './capabilities.ts';
export { parseRetryAfter } from './retry-after.ts';
export * from './errors.ts';
export * from './vector-store.ts';
export type { NormalizedEvent } from './events.ts';
export * from './verifiers/index.ts';
export * from './webhook.ts';
export * from './rate-limit.ts';
export * from './connection-test.ts';
export * from './polling.ts';
export * from './oauth.ts';
export * from './oauth-actions.ts';
/** zod, the schema library of connector definitions: the copy Switchboard itself validates with. */
export { z } from 'zod';

/**
 * Declares a connector. Validation of the definition happens when the registry loads it.
 *
 * @example
 * export default defineConnector({ key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'Acme API',
 *   config: z.object({ baseUrl: z.url() }), secrets: z.object({ token: z.string() }), actions: { ping } });
 */
export function defineConnector<C extends ZodObject, S extends ZodObject>(def: ConnectorDefinition<C, S>): ConnectorDefinition<C, S> {
  return def;
}

/**
 * Declares an action; `run`'s input and return types come from the schemas.
 *
 * @example
 * const ping = defineAction({ description: 'Ping', input: z.object({}), output: z.object({ ok: z.boolean() }), idempotent: true,
 *   run: async (ctx) => ({ ok: (await ctx.http.request({ url: `${ctx.config.baseUrl}/ping` })).status === 200 }) });
 */
export function defineAction<I extends ZodType, O extends ZodType, C = any, S = any>(def: {
  description: string;
  input: I;
  output: O;
  idempotent: boolean;
  run(ctx: ActionContext<C, S>, input: z.infer<I>): Promise<z.infer<O>>;
}): ActionDefinition<I, O, C, S> {
  return def;
}

/**
 * Declares a webhook trigger.
 *
 * @example
 * const webhook = defineTrigger({ description: 'Acme events', events: ['acme.*'],
 *   verify: (req, ctx) => verifyHmacSignature(req, secretList(ctx.secrets.webhookSecret), { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex' }),
 *   deliveryId: (req) => headerValue(req, 'x-acme-delivery') ?? bodySha256(req),
 *   parse: (req) => ({ type: eventTypeOf('acme', 'order.created'), payload: parseJsonObject(req) }) });
 */
export function defineTrigger<C = any, S = any>(def: TriggerDefinition<C, S>): TriggerDefinition<C, S> {
  return def;
}
