import jsonata from 'jsonata';
import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { definePollingTrigger } from '../../sdk/polling.ts';
import { authHeaders, resolveUrl } from '../client.ts';
import type { HttpConfig, HttpSecrets } from '../schemas.ts';

export const httpNewItemsConfig = z
  .object({
    url: z.string().min(1).describe('JSON endpoint to GET (relative to the connection baseUrl, or absolute)'),
    items: z.string().min(1).default('$').describe('JSONata: the array of items in the answer, e.g. data.results'),
    id: z.string().min(1).default('id').describe('JSONata over one item: its id'),
    at: z.string().min(1).optional().describe('JSONata over one item: when it happened (ISO), for backfill'),
  })
  .strict();

async function evaluate(expression: string, data: unknown, what: string): Promise<unknown> {
  try {
    return await jsonata(expression).evaluate(data);
  } catch (err) {
    throw new ConnectorError('CONFIG_INVALID', `trigger.config.${what} "${expression}": ${(err as Error).message}`);
  }
}

/** `new_items`: GET a JSON endpoint; JSONata picks the items and each one's id. */
export const httpNewItems = definePollingTrigger<typeof httpNewItemsConfig, HttpConfig, HttpSecrets>({
  description: 'New items of a JSON endpoint (config: { url, items: JSONata, id: JSONata, at? })',
  interval: '5m',
  config: httpNewItemsConfig,
  async poll(ctx) {
    const { url, items: itemsPath, id: idPath, at: atPath } = ctx.triggerConfig;
    const res = await ctx.http.request<unknown>({ method: 'GET', url: resolveUrl(ctx.config, url), headers: { accept: 'application/json', ...ctx.config.defaultHeaders, ...authHeaders(ctx.secrets) } });
    const found = await evaluate(itemsPath, res.body, 'items');
    const list = found === undefined ? [] : Array.isArray(found) ? found : [found];
    const items = [];
    for (const item of list) {
      const id = await evaluate(idPath, item, 'id');
      const at = atPath ? await evaluate(atPath, item, 'at') : undefined;
      // An item without an id fails the poll's shape check, with the reason.
      items.push({ id: typeof id === 'string' || typeof id === 'number' ? String(id) : (id as string), payload: item, ...(typeof at === 'string' ? { at } : {}) });
    }
    return { items };
  },
});
