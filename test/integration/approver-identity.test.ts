/**
 * Who decides an approval: the caller's principal, not a body field. A key with
 * `approvals:act-as` may decide for a named approver and both are recorded. Signed
 * links decide as the approver they were issued for and are spent only when the run
 * accepts their decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedLinks } from '../support/approval-links.ts';
import { DIALECTS } from '../support/db.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(DIALECTS)('approver identity on %s', (dialect) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dialect });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function mintRaw(principal: string, scopes: string[]): Promise<string> {
    const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: `${principal} key`, principal, scopes } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  }

  async function keyFor(principal: string, scopes: string[]) {
    const key = await mintRaw(principal, scopes);
    return (workflowId: string, json: unknown) =>
      fetch(`${stack.baseUrl}/api/v1/runs/${encodeURIComponent(workflowId)}/approvals/review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
  }

  it('records the caller as the approver; naming someone else needs approvals:act-as, and then both are recorded', async () => {
    const { id } = await createAutomation(stack, {
      name: `identity ${dialect}`,
      trigger: { type: 'manual' },
      steps: [{ id: 'review', type: 'approval', approvers: ['ann', 'bob', 'cid'], quorum: 3, timeout: '1h', onTimeout: 'fail' }],
    });
    const { body } = await startRun(stack, id, {});
    await waitForRun(stack, body.workflowId, (r) => r.pendingApprovals.length === 1, 'the approval');

    const ann = await keyFor('ann', ['approvals:decide']);
    const mallory = await keyFor('mallory', ['approvals:decide']);
    const reader = await keyFor('bob', ['approvals:read']);
    const ops = await keyFor('ops', ['approvals:decide', 'approvals:act-as']);

    // Naming another approver without act-as: refused, nothing recorded.
    const impersonate = await ann(body.workflowId, { decision: 'approve', approver: 'bob' });
    expect(impersonate.status).toBe(403);
    expect(((await impersonate.json()) as ErrorBody).error.message).toContain('approvals:act-as');
    // A principal that is not an approver cannot decide by naming nobody.
    expect((await mallory(body.workflowId, { decision: 'approve' })).status).toBe(403);
    const noScope = await reader(body.workflowId, { decision: 'approve' });
    expect(noScope.status).toBe(403);
    expect(((await noScope.json()) as ErrorBody).error.message).toContain('approvals:decide');

    const inbox = async (key: string) => {
      const res = await fetch(`${stack.baseUrl}/api/v1/approvals?mine=true&automationId=${id}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { workflowId: string }[] }).items.map((i) => i.workflowId);
    };
    const annInbox = await mintRaw('ann', ['approvals:read']);
    const malloryInbox = await mintRaw('mallory', ['approvals:read']);
    expect(await inbox(annInbox)).toEqual([body.workflowId]);
    expect(await inbox(malloryInbox)).toEqual([]);

    const own = await ann(body.workflowId, { decision: 'approve', comment: 'lgtm' });
    expect(own.status).toBe(200);
    const ownBody = (await own.json()) as Record<string, unknown>;
    expect(ownBody).toMatchObject({ approver: 'ann', decision: 'approve', comment: 'lgtm' });
    expect(ownBody['decidedBy']).toBeUndefined();
    // The inbox reads the visibility index, which follows the decision within moments.
    await waitFor(async () => (await inbox(annInbox)).length === 0, "ann's decision to leave her inbox");
    // Naming oneself is the same as naming nobody.
    expect((await ann(body.workflowId, { decision: 'approve', approver: 'ann' })).status).toBe(409);

    const onBehalf = await ops(body.workflowId, { decision: 'approve', approver: 'bob' });
    expect(onBehalf.status).toBe(200);
    expect(await onBehalf.json()).toMatchObject({ approver: 'bob', decidedBy: 'ops', decision: 'approve' });

    const run = await getRun(stack, body.workflowId);
    const decisions = (run!.pendingApprovals[0] as unknown as { decisions: unknown[] }).decisions;
    expect(decisions).toEqual([expect.objectContaining({ approver: 'ann' }), expect.objectContaining({ approver: 'bob', decidedBy: 'ops' })]);
    await stack.api(`/api/v1/runs/${encodeURIComponent(body.workflowId)}/cancel`, { method: 'POST' });
  });

  it('an escalation approver who clicks a link early gets 403 and the link still works after the escalation', async () => {
    const { id } = await createAutomation(stack, {
      name: `escalating links ${dialect}`,
      trigger: { type: 'manual' },
      steps: [
        { id: 'share', type: 'transform', output: '{{ run.approvalLinks.review }}' },
        { id: 'review', type: 'approval', approvers: ['lead'], timeout: '1h', onTimeout: 'fail', escalate: { after: '4s', approvers: ['manager'] } },
      ],
    });
    const { body } = await startRun(stack, id, {});
    const waiting = await waitForRun(stack, body.workflowId, (r) => r.pendingApprovals.length === 1, 'the approval');
    const links = signedLinks(stack, body.workflowId, waiting.steps.find((s) => s.id === 'share')!.output as Record<string, { approve: string; reject: string }>);

    const early = await fetch(links['manager']!.approve, { method: 'POST' });
    expect(early.status).toBe(403);
    expect(await stack.db.query(`select nonce from approval_link_uses`)).toEqual([]);

    await waitForRun(stack, body.workflowId, (r) => (r.pendingApprovals[0] as { escalatedAt?: string } | undefined)?.escalatedAt !== undefined, 'the escalation');
    const later = await fetch(links['manager']!.approve, { method: 'POST' });
    expect(later.status).toBe(200);
    expect(await later.json()).toMatchObject({ approver: 'manager', decision: 'approve' });
    expect((await fetch(links['manager']!.reject, { method: 'POST' })).status).toBe(409);
    await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
  });
});
