/**
 * A Shopify `orders/create` webhook runs an automation that loops over the order's 25 line
 * items at concurrency 5 and calls the `http` connector once per item. The worker is
 * SIGKILLed while one item's request is in flight; after a restart the run completes with
 * one side effect per item (the fake honours Idempotency-Key like a real provider) and the
 * retried item sends the key it sent before.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signShopifyPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

/** An `orders/create` payload shaped like Shopify's (fields trimmed to the usual ones). */
function shopifyOrder(lines: number) {
  return {
    id: 5_820_982_911_946,
    admin_graphql_api_id: 'gid://shopify/Order/5820982911946154',
    name: '#1042',
    email: 'buyer@example.com',
    created_at: '2026-12-06T10:00:00-05:00',
    currency: 'USD',
    financial_status: 'paid',
    total_price: '1234.50',
    customer: { id: 115_310_627_314, email: 'buyer@example.com', first_name: 'Ada', last_name: 'Lovelace' },
    shipping_address: { address1: '1 Main St', city: 'Ottawa', province: 'Ontario', country: 'Canada', zip: 'K2P 1L4' },
    line_items: Array.from({ length: lines }, (_, i) => ({
      id: 466_157_049 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${466_157_049 + i}`,
      product_id: 632_910_392 + i,
      variant_id: 808_950_810 + i,
      title: `Widget ${i + 1}`,
      name: `Widget ${i + 1} - Blue`,
      sku: `WID-${String(i + 1).padStart(3, '0')}`,
      quantity: (i % 4) + 1,
      price: '49.38',
      vendor: 'Acme',
      requires_shipping: true,
      taxable: true,
      fulfillment_status: null,
      properties: [],
      tax_lines: [{ title: 'HST', price: '6.42', rate: 0.13 }],
    })),
  };
}

describe('foreach over a Shopify order, worker killed mid-loop', () => {
  let stack: TestStack;
  let fake: FakeServer;
  const effects = new Map<string, { sku: string; effect: number }>();
  const workers: WorkerProcess[] = [];
  let hung = 0;

  beforeAll(async () => {
    // Jira-like fake: one sub-task per Idempotency-Key; a repeated key gets the first answer.
    // The first request for WID-013 never gets an answer: the worker dies with it in flight.
    fake = await fakeServer((req, res) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const { sku } = JSON.parse(req.body) as { sku: string };
      const known = effects.get(key);
      if (known) return sendJson(res, 201, known);
      const created = { sku, effect: effects.size + 1 };
      effects.set(key, created);
      if (sku === 'WID-013' && hung++ === 0) return;
      setTimeout(() => sendJson(res, 201, created), 150);
    });
    stack = await startTestStack({ dialect: 'sqlite', worker: false, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await stack?.close();
    await fake?.close();
  });

  it('calls the provider once per line item with stable, distinct idempotency keys and lists 25 results in order', { timeout: 120_000 }, async () => {
    const shop = await createTestConnection(stack.services, 'shopify', { webhookSecret: 'shpss_loop' });
    const http = await createTestConnection(stack.services, 'http', {}, {});
    const { id } = await createAutomation(stack, {
      name: 'order sub-tasks',
      trigger: { type: 'webhook', connection: shop, events: ['shopify.orders.create'] },
      steps: [
        {
          id: 'subtasks',
          type: 'foreach',
          items: '{{ trigger.payload.line_items }}',
          as: 'line',
          concurrency: 5,
          steps: [
            {
              id: 'create',
              type: 'action',
              connection: http,
              action: 'request',
              timeout: '3s',
              retry: { initialInterval: '300ms', maxAttempts: 10 },
              input: { method: 'POST', url: `${fake.url}/subtasks`, body: { order: '{{ trigger.payload.name }}', sku: '{{ line.sku }}', quantity: '{{ line.quantity }}', position: '{{ index }}' } },
            },
          ],
          output: '{{ steps.create.output.body }}',
        },
      ],
    });

    const first = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    workers.push(first);
    await first.ready;
    const order = JSON.stringify(shopifyOrder(25));
    const eventId = randomUUID();
    const sent = await deliver(stack.baseUrl, `/webhooks/shopify/${shop}`, order, {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-event-id': eventId,
      'x-shopify-shop-domain': 'acme.myshopify.com',
      'x-shopify-hmac-sha256': signShopifyPayload(order, 'shpss_loop'),
    });
    expect(sent.status).toBe(202);
    const runId = runWorkflowId(id, eventWorkflowId('shopify', shop, eventId));

    await waitFor(async () => hung > 0, 'item 12 to reach the provider');
    await first.kill('SIGKILL');
    const before = fake.requests.length;
    const inFlightKey = [...effects.entries()].find(([, e]) => e.sku === 'WID-013')![0];

    const second = spawnWorker(stack, { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    workers.push(second);
    await second.ready;
    const done = await waitForRun(stack, runId, (r) => r.status === 'completed', 'the run to complete', 90_000);

    const keys = fake.requests.map((r) => String(r.headers['idempotency-key']));
    // One side effect per item: 25 distinct keys, each naming its item's activity.
    expect(effects.size).toBe(25);
    expect([...effects.keys()].sort()).toEqual(Array.from({ length: 25 }, (_, i) => `${runId}:subtasks[${i}].create`).sort());
    // The item in flight at the kill was sent again after the restart, with the same key.
    const retried = fake.requests.slice(before).map((r) => String(r.headers['idempotency-key']));
    expect(retried).toContain(inFlightKey);
    expect(keys.filter((k) => k === inFlightKey).length).toBeGreaterThanOrEqual(2);
    // No item beyond those in flight at the kill was sent twice.
    expect(fake.requests.length - 25).toBeLessThanOrEqual(5);

    const out = (done.result!.outputs['subtasks'] as { items: { sku: string }[]; count: number });
    expect(out.count).toBe(25);
    expect(out.items.map((x) => x.sku)).toEqual(Array.from({ length: 25 }, (_, i) => `WID-${String(i + 1).padStart(3, '0')}`));
    const loop = done.steps.find((s) => s.id === 'subtasks') as { progress?: unknown };
    expect(loop.progress).toEqual({ done: 25, failed: 0, total: 25 });
    // Each iteration's steps, on demand.
    const page = await stack.api(`/api/v1/runs/${encodeURIComponent(runId)}/loops/subtasks?from=20&limit=10`);
    expect(page.status).toBe(200);
    const body = (await page.json()) as { progress: unknown; iterations: { index: number; steps: { id: string; status: string; output: { body: { sku: string } } }[] }[] };
    expect(body.progress).toEqual({ done: 25, failed: 0, total: 25 });
    expect(body.iterations.map((i) => [i.index, i.steps[0]!.id, i.steps[0]!.status, i.steps[0]!.output.body.sku])).toEqual(
      [20, 21, 22, 23, 24].map((i) => [i, 'create', 'completed', `WID-${String(i + 1).padStart(3, '0')}`]),
    );
    expect((await stack.api(`/api/v1/runs/${encodeURIComponent(runId)}/loops/nope`)).status).toBe(404);
  });
});
