import { z } from 'zod';

/** A feed connection needs nothing: each automation names its feed URL. */
export const feedConfig = z.object({});

/** Optional credentials for feeds behind auth. */
export const feedSecrets = z.object({
  bearerToken: z.string().min(1).optional(),
  basicAuth: z.object({ username: z.string(), password: z.string() }).optional(),
});

/** `trigger.config` of `new_items`. */
export const newItemsConfig = z.object({ url: z.url().describe('RSS or Atom feed URL') }).strict();

export type FeedSecrets = z.infer<typeof feedSecrets>;
