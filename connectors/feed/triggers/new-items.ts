import { definePollingTrigger } from '../../sdk/polling.ts';
import { fetchFeed } from '../client.ts';
import { newItemsConfig, type FeedSecrets } from '../schemas.ts';

/**
 * `new_items`: every item of the feed, by its guid (Atom: id; else its link). The engine
 * keeps the ids it has seen, so the feed needs no cursor: an item edited in place keeps
 * its guid and starts no new run.
 */
export const newItems = definePollingTrigger<typeof newItemsConfig, Record<string, never>, FeedSecrets>({
  description: 'New items of an RSS or Atom feed (config: { url })',
  interval: '5m',
  config: newItemsConfig,
  async poll(ctx) {
    const items = await fetchFeed(ctx.http, ctx.secrets, ctx.triggerConfig.url);
    return { items: items.filter((i) => i.id).map((i) => ({ id: i.id, payload: i, at: i.published ?? undefined })) };
  },
});
