import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callStripe } from '../client.ts';

export const createCustomer = defineAction({
  description: "Create a customer (Stripe dedupes retries by the step's Idempotency-Key)",
  input: z.object({
    email: z.email().optional(),
    name: z.string().max(256).optional(),
    description: z.string().max(350).optional(),
    phone: z.string().max(20).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  }),
  output: z.object({ id: z.string().startsWith('cus_'), email: z.string().nullable(), name: z.string().nullable(), created: z.number().int() }),
  idempotent: true,
  async run(ctx, input) {
    const c = await callStripe<{ id: string; email: string | null; name: string | null; created: number }>(ctx, 'POST', '/v1/customers', input);
    return { id: c.id, email: c.email ?? null, name: c.name ?? null, created: c.created };
  },
});
