/**
 * The order workflow on Temporal's time-skipping server with Switchboard's connector
 * activity faked: a seven-day approval window passes in seconds, and the recorded history
 * replays against the code.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replayHistories, timeSkippingHarness, type TimeSkippingHarness } from 'switchboard/testing';
import type { Order, OrderOutcome } from '../src/workflows.ts';

const workflowsPath = new URL('../src/workflows.ts', import.meta.url).pathname;

/** What a Switchboard action call looks like to the activity: connection, action, input. */
interface ActionCall {
  connectionId: string;
  action: string;
  input: Record<string, unknown>;
}

describe('orderApproval (time-skipping)', () => {
  let h: TimeSkippingHarness;
  const calls: ActionCall[] = [];

  beforeAll(async () => {
    h = await timeSkippingHarness({
      workflowsPath,
      // The repository's test run hands over its local test server; standalone, the SDK downloads one.
      testServerPath: (inject as (key: string) => string | undefined)('temporalTestServerPath'),
      activities: {
        async runConnectorAction(call: ActionCall) {
          calls.push(call);
          return call.action === 'create_issue' ? { id: '10001', key: 'OPS-1', url: 'https://jira.example/browse/OPS-1' } : { ok: true };
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const start = (order: Order) => h.env.client.workflow.start('orderApproval', { taskQueue: h.taskQueue, workflowId: `order-${order.orderId}`, args: [order] });

  it('approved by finance: Slack hears the amount and a Jira issue is created', async () => {
    calls.length = 0;
    const handle = await start({ orderId: 'A-1', customer: 'ACME', total: 1200 });
    // The run parks on the approval; finance decides through the same update the inbox and API use.
    for (let i = 0; i < 50; i++) {
      const state = (await handle.query('runState')) as { pendingApprovals: unknown[] };
      if (state.pendingApprovals.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.executeUpdate('decideApproval', { args: [{ stepId: 'finance', decision: 'approve', approver: 'finance-lead' }] });
    const outcome = (await handle.result()) as OrderOutcome;
    expect(outcome).toMatchObject({ orderId: 'A-1', approved: true, amount: 1200, issue: { key: 'OPS-1' } });
    expect(calls.map((c) => [c.connectionId, c.action])).toEqual([
      ['slack', 'send_message'],
      ['jira', 'create_issue'],
    ]);
    expect(calls[0]!.input['text']).toBe('Order A-1 approved by finance-lead: 1200 EUR');

    // The history replays against the current code (run this over recorded histories before a change ships).
    await replayHistories(workflowsPath, [{ workflowId: handle.workflowId, history: await handle.fetchHistory() }]);
  });

  it('no decision within seven (virtual) days: rejected, Slack says so, no Jira issue', async () => {
    calls.length = 0;
    const before = Date.now();
    const outcome = (await (await start({ orderId: 'B-2', total: 80 })).result()) as OrderOutcome;
    expect(outcome).toEqual({ orderId: 'B-2', approved: false });
    expect(calls.map((c) => c.action)).toEqual(['send_message']);
    expect(calls[0]!.input['text']).toContain('not approved');
    expect(Date.now() - before).toBeLessThan(30_000);
  });
});
