import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { callShopify } from '../client.ts';
import { shopifyId } from '../schemas.ts';

interface FulfillmentOrder {
  id: number;
  status: string;
  supported_actions?: string[];
}

interface Fulfillment {
  id: number;
  order_id: number;
  status: string;
  name?: string;
  tracking_company: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
}

/** Fulfillment-order statuses that can still be fulfilled. */
const FULFILLABLE = new Set(['open', 'in_progress']);

export const createFulfillment = defineAction({
  description: "Fulfill an order's open fulfillment orders (or the ones named, optionally only some line items), with tracking",
  input: z
    .object({
      orderId: shopifyId.optional().describe('Fulfill every open fulfillment order of this order'),
      fulfillmentOrders: z
        .array(z.object({ id: shopifyId, lineItems: z.array(z.object({ id: shopifyId, quantity: z.number().int().positive() })).min(1).optional() }))
        .min(1)
        .optional()
        .describe('Or exactly these fulfillment orders (all their line items unless listed)'),
      tracking: z.object({ number: z.string().max(255).optional(), url: z.url().optional(), company: z.string().max(255).optional() }).optional(),
      notifyCustomer: z.boolean().default(false),
    })
    .refine((i) => (i.orderId === undefined) !== (i.fulfillmentOrders === undefined), { message: 'give exactly one of orderId or fulfillmentOrders', path: ['orderId'] }),
  output: z.object({
    id: z.number(),
    orderId: z.number(),
    status: z.string(),
    name: z.string().nullable(),
    trackingCompany: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    trackingUrl: z.string().nullable(),
  }),
  // Shopify has no idempotency key here; a second call finds nothing left to fulfil (422).
  idempotent: false,
  async run(ctx, i) {
    let targets = i.fulfillmentOrders;
    if (!targets) {
      const { fulfillment_orders: all } = await callShopify<{ fulfillment_orders: FulfillmentOrder[] }>(ctx, 'GET', `/orders/${i.orderId}/fulfillment_orders.json`);
      targets = (all ?? []).filter((f) => FULFILLABLE.has(f.status) && (f.supported_actions?.includes('create_fulfillment') ?? true)).map((f) => ({ id: f.id }));
      if (targets.length === 0) throw new ConnectorError('INVALID_INPUT', `order ${i.orderId} has no open fulfillment orders to fulfil`);
    }
    const tracking = i.tracking && Object.keys(i.tracking).length ? i.tracking : undefined;
    const { fulfillment: f } = await callShopify<{ fulfillment: Fulfillment }>(ctx, 'POST', '/fulfillments.json', {
      fulfillment: {
        line_items_by_fulfillment_order: targets.map((t) => ({
          fulfillment_order_id: t.id,
          ...(t.lineItems ? { fulfillment_order_line_items: t.lineItems.map((l) => ({ id: l.id, quantity: l.quantity })) } : {}),
        })),
        ...(tracking ? { tracking_info: tracking } : {}),
        notify_customer: i.notifyCustomer,
      },
    });
    return {
      id: f?.id,
      orderId: f?.order_id,
      status: f?.status,
      name: f?.name ?? null,
      trackingCompany: f?.tracking_company ?? null,
      trackingNumber: f?.tracking_number ?? null,
      trackingUrl: f?.tracking_url ?? null,
    };
  },
});
