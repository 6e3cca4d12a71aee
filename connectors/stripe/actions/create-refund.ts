import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callStripe } from '../client.ts';
import { moneyObjectShape, type MoneyObject } from '../schemas.ts';

export const createRefund = defineAction({
  description: "Refund a PaymentIntent or charge, fully or partly (Stripe dedupes retries by the step's Idempotency-Key)",
  input: z
    .object({
      paymentIntent: z.string().startsWith('pi_').optional(),
      charge: z.string().startsWith('ch_').optional(),
      amount: z.number().int().positive().optional().describe('Omitted: the whole remaining amount'),
      reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
      metadata: z.record(z.string(), z.string()).optional(),
    })
    .refine((i) => (i.paymentIntent === undefined) !== (i.charge === undefined), { message: 'give exactly one of paymentIntent or charge', path: ['paymentIntent'] }),
  output: z.object({ ...moneyObjectShape('re_'), paymentIntent: z.string().nullable(), charge: z.string().nullable() }),
  idempotent: true,
  async run(ctx, i) {
    const re = await callStripe<MoneyObject & { payment_intent: string | null; charge: string | null }>(ctx, 'POST', '/v1/refunds', {
      payment_intent: i.paymentIntent,
      charge: i.charge,
      amount: i.amount,
      reason: i.reason,
      metadata: i.metadata,
    });
    return { id: re.id, status: re.status, amount: re.amount, currency: re.currency, paymentIntent: re.payment_intent ?? null, charge: re.charge ?? null };
  },
});
