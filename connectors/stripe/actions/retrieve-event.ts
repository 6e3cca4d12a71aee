import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callStripe } from '../client.ts';

/**
 * Re-reads an event from Stripe: the usual way to trust a webhook payload's content
 * (or to fetch one a webhook only announced).
 */
export const retrieveEvent = defineAction({
  description: 'Retrieve an event by id (events of the last 30 days)',
  input: z.object({ id: z.string().regex(/^evt_\w+$/, 'a Stripe event id (evt_…)') }),
  output: z.object({
    id: z.string().startsWith('evt_'),
    type: z.string(),
    created: z.number().int(),
    livemode: z.boolean(),
    apiVersion: z.string().nullable(),
    object: z.record(z.string(), z.unknown()),
  }),
  idempotent: true,
  async run(ctx, { id }) {
    const ev = await callStripe<{ id: string; type: string; created: number; livemode: boolean; api_version: string | null; data: { object: Record<string, unknown> } }>(
      ctx,
      'GET',
      `/v1/events/${encodeURIComponent(id)}`,
    );
    return { id: ev.id, type: ev.type, created: ev.created, livemode: ev.livemode, apiVersion: ev.api_version ?? null, object: ev.data?.object };
  },
});
