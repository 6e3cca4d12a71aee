/**
 * Polling triggers: for providers without webhooks (feeds, spreadsheets, tables, "list
 * since" APIs). The engine calls `poll` every `interval` with the cursor it returned last
 * time, starts one run per item id it has not seen, and keeps the cursor durably per
 * automation. `poll` only reads; it never needs to remember anything itself.
 */
import { z, type ZodObject, type ZodType } from 'zod';
import type { PollingTriggerDefinition } from './types.ts';

/**
 * Declares a polling trigger; `poll`'s trigger config type comes from the schema.
 *
 * @example
 * export const newItems = definePollingTrigger({ description: 'New feed items', interval: '5m', config: z.object({ url: z.url() }),
 *   poll: async (ctx, cursor) => ({ items: (await fetchFeed(ctx, ctx.triggerConfig.url)).map((i) => ({ id: i.guid, payload: i })), cursor }) });
 */
export function definePollingTrigger<T extends ZodType = ZodObject, C = any, S = any>(def: PollingTriggerDefinition<C, S, T>): PollingTriggerDefinition<C, S, T> {
  return def;
}

/**
 * The declared shape of a poll answer: the engine checks every answer against it.
 *
 * @example
 * pollResultSchema.parse({ items: [{ id: 'a', payload: {} }], cursor: 'c1' });
 */
export const pollResultSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.union([z.string().min(1), z.number()]).transform(String),
        payload: z.unknown(),
        at: z.string().optional(),
      }),
    ),
    cursor: z.unknown().optional(),
  })
  .strict();
