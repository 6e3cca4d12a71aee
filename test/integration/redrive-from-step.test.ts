/**
 * Re-drive from a step on the real dev server: a 4-step run (Slack message, a charge at a
 * payment provider, a shipping call that fails while its provider is down, a receipt) is
 * re-driven from the failed step once the provider recovers. The steps before it do not
 * run again: the Slack fake and the payment fake each see exactly one request in total,
 * and the later steps read the charge's recorded output. Steps that cannot be resumed
 * answer 409 with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, getRun, startRun, waitForRun, type RunBody } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

type Redriven = RunBody & { redriveOf?: string; fromStep?: string; result?: { outputs: Record<string, unknown> } };
type RedriveAnswer = { workflowId: string; redriveOf: string; fromStep?: string; duplicate: boolean; error?: { code: string; message: string } };

describe('re-drive from a step', () => {
  let stack: TestStack;
  let slack: FakeServer;
  let payments: FakeServer;
  let shipping: FakeServer;
  let shippingDown = true;
  let slackConn = '';
  let http = '';
  let automationId = '';

  const definition = (extra: object[] = []) => ({
    name: 'order-pipeline',
    trigger: { type: 'manual' },
    steps: [
      { id: 'notify', type: 'action', connection: slackConn, action: 'send_message', input: { channel: '#orders', text: 'order {{ input.order }} received' } },
      {
        id: 'charge',
        type: 'action',
        connection: http,
        action: 'request',
        input: { method: 'POST', url: `${payments.url}/v1/charges`, body: { order: '{{ input.order }}', amount: 4200 } },
      },
      ...extra,
      {
        id: 'ship',
        type: 'action',
        connection: http,
        action: 'request',
        input: { method: 'POST', url: `${shipping.url}/shipments`, body: { order: '{{ input.order }}', charge: '{{ steps.charge.output.body.id }}' } },
        retry: { initialInterval: '100ms', maxAttempts: 2 },
      },
      { id: 'receipt', type: 'transform', output: { charge: '{{ steps.charge.output.body.id }}', tracking: '{{ steps.ship.output.body.tracking }}', slackTs: '{{ steps.notify.output.ts }}' } },
    ],
  });
  const chargeCount = () => payments.requests.filter((r) => r.url === '/v1/charges').length;
  const postCount = () => slack.requests.filter((r) => r.url === '/api/chat.postMessage').length;
  const redrive = async (workflowId: string, json: unknown = {}) => {
    const res = await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}/redrive`, { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as RedriveAnswer };
  };
  const failedRun = async (order: string): Promise<string> => {
    shippingDown = true;
    const { body } = await startRun(stack, automationId, { order });
    await waitForRun(stack, body.workflowId, (r) => r.status === 'failed', 'the run to fail at the shipping step', 45_000);
    return body.workflowId;
  };

  beforeAll(async () => {
    slack = await fakeServer((req, res) => {
      if (req.url === '/api/chat.postMessage') return sendJson(res, 200, { ok: true, channel: 'C0RDERS', ts: '1700000000.000100' });
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
    });
    let charges = 0;
    payments = await fakeServer((req, res) => sendJson(res, 201, { id: `ch_${++charges}`, status: 'succeeded', amount: (JSON.parse(req.body) as { amount: number }).amount }));
    shipping = await fakeServer((req, res) => (shippingDown ? sendJson(res, 503, { error: 'maintenance' }) : sendJson(res, 200, { tracking: 'TRK-1' })));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    slackConn = await createTestConnection(stack.services, 'slack', { botToken: 'xoxb-redrive-test-token' }, { baseUrl: `${slack.url}/api` });
    http = await createTestConnection(stack.services, 'http', {}, {});
    automationId = (await createAutomation(stack, definition())).id;
  });
  afterAll(async () => {
    await stack?.close();
    for (const f of [slack, payments, shipping]) await f?.close();
  });

  it('resumes at the failed step: the Slack message and the charge happen once in total', async () => {
    const source = await failedRun('A-1');
    const failed = (await getRun(stack, source)) as Redriven;
    expect(failed.steps.find((s) => s.id === 'notify')?.error).toBeUndefined();
    expect(failed.steps.map((s) => [s.id, s.status])).toEqual([
      ['notify', 'completed'],
      ['charge', 'completed'],
      ['ship', 'failed'],
      ['receipt', 'pending'],
    ]);
    expect([postCount(), chargeCount()]).toEqual([1, 1]);

    shippingDown = false;
    const started = await redrive(source, { fromStep: 'ship' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ redriveOf: source, fromStep: 'ship', duplicate: false });
    const done = (await waitForRun(stack, started.body.workflowId, (r) => r.status === 'completed', 'the re-drive to complete')) as Redriven;
    expect(done).toMatchObject({ redriveOf: source, fromStep: 'ship' });
    // The steps before it keep the source run's records; the rest ran now.
    expect(done.steps.map((s) => [s.id, s.status])).toEqual([
      ['notify', 'completed'],
      ['charge', 'completed'],
      ['ship', 'completed'],
      ['receipt', 'completed'],
    ]);
    expect(done.steps.find((s) => s.id === 'charge')?.output).toMatchObject({ body: { id: 'ch_1' } });
    expect(done.result?.outputs['receipt']).toEqual({ charge: 'ch_1', tracking: 'TRK-1', slackTs: '1700000000.000100' });
    // The shipping call got the recorded charge id; neither earlier provider was called again.
    expect(JSON.parse(shipping.requests.at(-1)!.body)).toEqual({ order: 'A-1', charge: 'ch_1' });
    expect(postCount()).toBe(1);
    expect(chargeCount()).toBe(1);
  });

  it('defaults to the step that failed, and answers 409 for steps it cannot resume', async () => {
    const before = [postCount(), chargeCount()];
    const source = await failedRun('B-2');
    expect([postCount(), chargeCount()]).toEqual([before[0]! + 1, before[1]! + 1]);

    const notInVersion = await redrive(source, { fromStep: 'nope' });
    expect(notInVersion.status).toBe(409);
    expect(notInVersion.body.error?.message).toMatch(/"nope" does not exist in version 1/);
    const notReached = await redrive(source, { fromStep: 'receipt' });
    expect(notReached.status).toBe(409);
    expect(notReached.body.error?.message).toMatch(/"receipt" was not reached/);
    expect((await redrive(source, { fromStep: 'bad id!' })).status).toBe(400);

    shippingDown = false;
    const started = await redrive(source);
    expect(started.status).toBe(202);
    expect(started.body.fromStep).toBe('ship');
    const done = (await waitForRun(stack, started.body.workflowId, (r) => r.status === 'completed', 'the default re-drive to complete')) as Redriven;
    expect(done.result?.outputs['receipt']).toMatchObject({ charge: 'ch_2' });
    expect([postCount(), chargeCount()]).toEqual([before[0]! + 1, before[1]! + 1]);

    // From an earlier step: that step and the ones after it run again.
    const fromCharge = await redrive(source, { fromStep: 'charge', force: true });
    expect(fromCharge.body.fromStep).toBe('charge');
    const again = (await waitForRun(stack, fromCharge.body.workflowId, (r) => r.status === 'completed', 'the re-drive from charge to complete')) as Redriven;
    expect(again.result?.outputs['receipt']).toMatchObject({ charge: 'ch_3' });
    expect([postCount(), chargeCount()]).toEqual([before[0]! + 1, before[1]! + 2]);
  });

  it('matches steps by id on the current version; a step with no record before fromStep is a 409', async () => {
    const source = await failedRun('C-3');
    const audit = { id: 'audit', type: 'transform', output: { audited: '{{ input.order }}' } };
    expect((await stack.api(`/api/v1/automations/${automationId}`, { method: 'PUT', json: definition([audit]) })).status).toBe(200);
    shippingDown = false;
    const added = await redrive(source, { version: 'current', fromStep: 'ship' });
    expect(added.status).toBe(409);
    expect(added.body.error?.message).toMatch(/"audit" comes before "ship" in version 2 but did not exist/);
    const fromAudit = await redrive(source, { version: 'current', fromStep: 'audit' });
    expect(fromAudit.status).toBe(202);
    const done = (await waitForRun(stack, fromAudit.body.workflowId, (r) => r.status === 'completed', 'the re-drive on v2 to complete')) as Redriven;
    expect(done).toMatchObject({ version: 2, fromStep: 'audit' });
    expect(done.result?.outputs).toMatchObject({ audit: { audited: 'C-3' }, receipt: { tracking: 'TRK-1' } });
  });

  it('refuses a step inside a block, naming the block to re-drive from', async () => {
    const branching = await createAutomation(stack, {
      name: 'branching',
      trigger: { type: 'manual' },
      steps: [
        { id: 'prepare', type: 'transform', output: { big: '{{ input.amount > 100 }}' } },
        {
          id: 'route',
          type: 'condition',
          if: 'steps.prepare.output.big',
          then: [{ id: 'bigShip', type: 'action', connection: http, action: 'request', input: { method: 'POST', url: `${shipping.url}/big` }, retry: { initialInterval: '100ms', maxAttempts: 1 } }],
          else: [{ id: 'smallShip', type: 'transform', output: 'small' }],
        },
      ],
    });
    shippingDown = true;
    const { body } = await startRun(stack, branching.id, { amount: 500 });
    await waitForRun(stack, body.workflowId, (r) => r.status === 'failed', 'the branching run to fail', 45_000);
    const inside = await redrive(body.workflowId, { fromStep: 'bigShip' });
    expect(inside.status).toBe(409);
    expect(inside.body.error?.message).toMatch(/"bigShip" sits inside block "route".*re-drive from "route"/);
    expect((await redrive(body.workflowId, { fromStep: 'smallShip' })).status).toBe(409);
    shippingDown = false;
    const started = await redrive(body.workflowId);
    expect(started.body.fromStep).toBe('route');
    const done = (await waitForRun(stack, started.body.workflowId, (r) => r.status === 'completed', 'the block re-drive to complete')) as Redriven;
    expect(done.steps.find((s) => s.id === 'bigShip')?.status).toBe('completed');
    expect(done.steps.find((s) => s.id === 'prepare')?.output).toEqual({ big: true });
  });
});
