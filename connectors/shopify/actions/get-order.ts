import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callShopify } from '../client.ts';
import { shopifyId } from '../schemas.ts';

interface Order {
  id: number;
  name: string;
  email: string | null;
  created_at: string;
  cancelled_at: string | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  tags: string;
  line_items: { id: number; title: string; quantity: number; sku: string | null; price: string; fulfillable_quantity?: number }[];
}

const lineItem = z.object({ id: z.number(), title: z.string(), quantity: z.number().int(), sku: z.string().nullable(), price: z.string(), fulfillableQuantity: z.number().int().nullable() });

export const getOrder = defineAction({
  description: 'Read an order: status, totals and line items',
  input: z.object({ orderId: shopifyId }),
  output: z.object({
    id: z.number(),
    name: z.string(),
    email: z.string().nullable(),
    createdAt: z.string(),
    cancelledAt: z.string().nullable(),
    financialStatus: z.string().nullable(),
    fulfillmentStatus: z.string().nullable(),
    currency: z.string(),
    totalPrice: z.string(),
    tags: z.array(z.string()),
    lineItems: z.array(lineItem),
  }),
  idempotent: true,
  async run(ctx, { orderId }) {
    const { order: o } = await callShopify<{ order: Order }>(ctx, 'GET', `/orders/${orderId}.json`);
    return {
      id: o?.id,
      name: o?.name,
      email: o?.email ?? null,
      createdAt: o?.created_at,
      cancelledAt: o?.cancelled_at ?? null,
      financialStatus: o?.financial_status ?? null,
      fulfillmentStatus: o?.fulfillment_status ?? null,
      currency: o?.currency,
      totalPrice: o?.total_price,
      tags: o?.tags ? o.tags.split(',').map((t) => t.trim()).filter(Boolean) : [],
      lineItems: (o?.line_items ?? []).map((l) => ({ id: l.id, title: l.title, quantity: l.quantity, sku: l.sku ?? null, price: l.price, fulfillableQuantity: l.fulfillable_quantity ?? null })),
    };
  },
});
