/**
 * A Shopify Admin REST fake (one API version) in Shopify's wire format: `{ order }`,
 * `{ fulfillment_orders }`, `{ fulfillment }` (201), `{ shop }`, and `{ errors }` on
 * failure. It insists on `X-Shopify-Access-Token` as Shopify does.
 */
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';

export const SHOPIFY_VERSION = '2025-07';
const base = `/admin/api/${SHOPIFY_VERSION}`;

export function shopifyResponder(token: string) {
  return (req: FakeRequest): FakeResponse => {
    if (req.headers['x-shopify-access-token'] !== token) return { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'GET' && path === `${base}/shop.json`) return { body: { shop: { id: 548380009, name: 'Acme Store', myshopify_domain: 'acme.myshopify.com', plan_name: 'basic' } } };
    if (req.method === 'GET' && path === `${base}/orders/450789469.json`) {
      return {
        body: {
          order: {
            id: 450789469,
            name: '#1001',
            email: 'bob.norman@mail.example.com',
            created_at: '2008-01-10T11:00:00-05:00',
            cancelled_at: null,
            financial_status: 'paid',
            fulfillment_status: null,
            currency: 'USD',
            total_price: '598.94',
            tags: 'vip, wholesale',
            line_items: [{ id: 466157049, title: 'IPod Nano - 8gb', quantity: 1, sku: 'IPOD2008GREEN', price: '199.00', fulfillable_quantity: 1 }],
          },
        },
      };
    }
    if (req.method === 'GET' && path === `${base}/orders/450789469/fulfillment_orders.json`) {
      return {
        body: {
          fulfillment_orders: [
            { id: 1046000778, order_id: 450789469, status: 'open', supported_actions: ['create_fulfillment', 'move'], line_items: [{ id: 1025578633, quantity: 1 }] },
            { id: 1046000779, order_id: 450789469, status: 'closed', supported_actions: [], line_items: [] },
          ],
        },
      };
    }
    if (req.method === 'GET' && /^\/admin\/api\/[^/]+\/orders\/\d+\/fulfillment_orders\.json$/.test(path)) return { body: { fulfillment_orders: [] } };
    if (req.method === 'POST' && path === `${base}/fulfillments.json`) {
      const f = ((req.json ?? {}) as { fulfillment?: { line_items_by_fulfillment_order?: { fulfillment_order_id: number }[]; tracking_info?: { number?: string; url?: string; company?: string } } }).fulfillment;
      if (!f?.line_items_by_fulfillment_order?.length) return { status: 422, body: { errors: { line_items_by_fulfillment_order: ['must be provided'] } } };
      if (f.line_items_by_fulfillment_order.some((l) => l.fulfillment_order_id === 1046000779)) return { status: 422, body: { errors: ['Fulfillment order 1046000779 has an unfulfillable status= closed.'] } };
      return {
        status: 201,
        body: {
          fulfillment: {
            id: 1069019862,
            order_id: 450789469,
            status: 'success',
            name: '#1001.1',
            created_at: '2025-01-02T10:00:00-05:00',
            service: 'manual',
            tracking_company: f.tracking_info?.company ?? null,
            tracking_number: f.tracking_info?.number ?? null,
            tracking_numbers: f.tracking_info?.number ? [f.tracking_info.number] : [],
            tracking_url: f.tracking_info?.url ?? null,
            tracking_urls: f.tracking_info?.url ? [f.tracking_info.url] : [],
          },
        },
      };
    }
    return { status: 404, body: { errors: 'Not Found' } };
  };
}
