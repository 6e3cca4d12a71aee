/**
 * Acceptance: a workflow package written only against switchboard/workflow (an approval
 * by `ada`, then a Slack message with the amount), loaded with SWITCHBOARD_WORKFLOW_PACKAGES
 * into a real stack (dev server, worker, API) with a Slack fake: listed, started through the
 * API (input checked against the package's schema), parked in the inbox, approved through
 * the API, the Slack fake receives the amount, the run page lists both steps, and the
 * history holds no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

const SLACK_TOKEN = 'xoxb-code-first-e2e-secret';

describe('code-first workflow package in the Switchboard worker (e2e)', () => {
  let stack: TestStack;
  let slackApi: FakeServer;
  let slack: string;

  beforeAll(async () => {
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C1', ts: '1.2' }));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1', SWITCHBOARD_WORKFLOW_PACKAGES: './test/fixtures/code-workflows' } });
    slack = await createTestConnection(stack.services, 'slack', { botToken: SLACK_TOKEN }, { baseUrl: slackApi.url });
  });
  afterAll(async () => {
    await stack?.close();
    await slackApi?.close();
  });

  it('lists the package workflows with their input schema', async () => {
    const res = await stack.api('/api/v1/workflows');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { name: string; package: string; inputSchema?: { required: string[] } }[] };
    expect(body.items).toEqual([expect.objectContaining({ name: 'payout', package: 'acme-code-workflows' })]);
    expect(body.items[0]!.inputSchema?.required).toEqual(['amount', 'slack']);
  });

  it('answers an unknown workflow with 404 and input the schema refuses with 400 and its paths', async () => {
    expect((await stack.api('/api/v1/workflows/nope/runs', { method: 'POST', json: { input: {} } })).status).toBe(404);
    const bad = await stack.api('/api/v1/workflows/payout/runs', { method: 'POST', json: { input: { amount: -5 } } });
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { code: string; details: { path: string }[] } };
    expect(err.error.code).toBe('INVALID_INPUT');
    expect(err.error.details.map((d) => d.path).sort()).toEqual(['body.input.amount', 'body.input.slack']);
  });

  it('runs: approval in the inbox, approved via the API, Slack gets the amount, the run page lists both steps', async () => {
    const started = await stack.api('/api/v1/workflows/payout/runs', { method: 'POST', json: { input: { amount: 250, slack } }, headers: { 'Idempotency-Key': 'payout-1' } });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    expect(workflowId).toBe('run:workflow:payout:payout-1');
    const again = await stack.api('/api/v1/workflows/payout/runs', { method: 'POST', json: { input: { amount: 250, slack } }, headers: { 'Idempotency-Key': 'payout-1' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, workflowId });

    const item = await waitFor(async () => {
      const res = await stack.api('/api/v1/approvals?approver=ada');
      const body = (await res.json()) as { items: { workflowId: string; stepId: string; title?: string; approvers: string[]; form?: unknown }[] };
      return body.items.find((i) => i.workflowId === workflowId);
    }, 'the approval in the inbox');
    expect(item).toMatchObject({ stepId: 'finance', title: 'Pay out 250?', approvers: ['ada'], form: { required: ['amount'] } });

    const listed = (await (await stack.api('/api/v1/runs?status=waiting_approval')).json()) as { items: { workflowId: string; automationId: string }[] };
    expect(listed.items).toContainEqual(expect.objectContaining({ workflowId, automationId: 'workflow:payout' }));

    // The form: an approve without its required field is refused with the path, the run still waits.
    const missing = await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}/approvals/finance`, { method: 'POST', json: { decision: 'approve', approver: 'ada' } });
    expect(missing.status).toBe(400);
    const decided = await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}/approvals/finance`, { method: 'POST', json: { decision: 'approve', approver: 'ada', form: { amount: 240 } } });
    expect(decided.status, await decided.clone().text()).toBe(200);

    const run = await waitFor(async () => {
      const body = (await (await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}`)).json()) as { status: string; steps: { id: string; type: string; status: string }[]; result?: unknown };
      return body.status === 'completed' ? body : undefined;
    }, 'the run to complete');
    expect(run.steps.map((s) => [s.id, s.type, s.status])).toEqual([
      ['finance', 'approval', 'completed'],
      ['notify', 'action', 'completed'],
    ]);
    // The amount the approver entered in the form, not the requested one.
    expect(run.result).toEqual({ paid: true, amount: 240 });
    expect(slackApi.requests).toHaveLength(1);
    expect(JSON.parse(slackApi.requests[0]!.body)).toMatchObject({ channel: '#finance', text: 'payout of 240 approved by ada' });

    const history = JSON.stringify(await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history).not.toContain(SLACK_TOKEN);
  });
});
