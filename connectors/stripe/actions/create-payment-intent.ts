import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callStripe } from '../client.ts';
import { moneyObjectShape, type MoneyObject } from '../schemas.ts';

export const createPaymentIntent = defineAction({
  description: "Create a PaymentIntent (Stripe dedupes retries by the step's Idempotency-Key); its client_secret is not returned",
  input: z.object({
    amount: z.number().int().positive().describe('In the smallest currency unit (cents)'),
    currency: z.string().regex(/^[a-z]{3}$/, 'a lower-case ISO 4217 code'),
    customer: z.string().startsWith('cus_').optional(),
    description: z.string().max(1_000).optional(),
    receiptEmail: z.email().optional(),
    paymentMethodTypes: z.array(z.string().min(1)).min(1).optional().describe('Omitted: automatic payment methods'),
    paymentMethod: z.string().startsWith('pm_').optional(),
    confirm: z.boolean().optional(),
    captureMethod: z.enum(['automatic', 'automatic_async', 'manual']).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  }),
  output: z.object({ ...moneyObjectShape('pi_'), customer: z.string().nullable(), created: z.number().int() }),
  idempotent: true,
  async run(ctx, i) {
    const pi = await callStripe<MoneyObject & { customer: string | null; created: number }>(ctx, 'POST', '/v1/payment_intents', {
      amount: i.amount,
      currency: i.currency,
      customer: i.customer,
      description: i.description,
      receipt_email: i.receiptEmail,
      payment_method: i.paymentMethod,
      confirm: i.confirm,
      capture_method: i.captureMethod,
      metadata: i.metadata,
      ...(i.paymentMethodTypes ? { payment_method_types: i.paymentMethodTypes } : { automatic_payment_methods: { enabled: true } }),
    });
    // client_secret lets a browser confirm the payment: it stays out of workflow history.
    return { id: pi.id, status: pi.status, amount: pi.amount, currency: pi.currency, customer: pi.customer ?? null, created: pi.created };
  },
});
