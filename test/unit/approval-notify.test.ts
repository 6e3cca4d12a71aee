/**
 * The parts of Slack and email approvals that need no server: the `notify` schema rules,
 * reading an approval interaction out of a Slack delivery, and what the message and the
 * email say (escaped, with the buttons only while the approval is open).
 */
import { describe, expect, it } from 'vitest';
import { approvalEmail } from '../../src/approvals/email-message.ts';
import { approvalInteractionOf } from '../../src/approvals/slack-interactions.ts';
import { approvalBlocks, SLACK_APPROVAL_ACTIONS } from '../../src/approvals/slack-message.ts';
import type { ApprovalRequest } from '../../src/approvals/request.ts';
import { parseDefinition } from '../../src/automations/definition.ts';

const request: ApprovalRequest = {
  workflowId: 'run:auto_1:abc',
  automationName: 'Refunds <prod>',
  stepId: 'review',
  approvers: ['ada', 'bob'],
  quorum: 2,
  expiresAt: '2026-12-08T14:02:00.000Z',
  title: 'Refund 42 € to <cy@example.com>?',
  description: 'Broken & late',
  context: [{ label: 'Order', value: 'A-1' }],
};

const form = (payload: unknown) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload) }).toString()) });

describe('approval notify', () => {
  it('needs `to` exactly when the step names no approvers', () => {
    const def = (step: Record<string, unknown>) => () =>
      parseDefinition({ name: 'x', trigger: { type: 'manual' }, steps: [{ id: 'r', type: 'approval', timeout: '1h', onTimeout: 'fail', ...step }] });
    expect(def({ notify: [{ email: { connection: 'smtp' } }] })).toThrow(/notify.*to/);
    expect(def({ approvers: ['ada'], notify: [{ email: { connection: 'smtp', to: 'x@example.com' } }] })).toThrow(/principal email/);
    expect(def({ approvers: ['ada'], notify: [{ email: { connection: 'smtp' } }, { slack: { connection: 's', channel: '#c' } }] })).not.toThrow();
    expect(def({ notify: [{ email: { connection: 'smtp', to: ['a@example.com', 'b@example.com'] } }] })).not.toThrow();
    expect(def({ notify: [{ teams: { connection: 't' } }] })).toThrow();
  });

  it('reads approve and reject clicks and the reject modal, and leaves other interactions to the trigger', () => {
    const value = JSON.stringify({ w: 'run:a:1', s: 'review' });
    const click = (action_id: string) => ({
      type: 'block_actions',
      user: { id: 'U1' },
      container: { channel_id: 'C1', message_ts: '1.2' },
      response_url: 'https://hooks.slack.com/actions/x',
      trigger_id: 't1',
      actions: [{ action_id, value }],
    });
    expect(approvalInteractionOf(form(click(SLACK_APPROVAL_ACTIONS.approve)))).toMatchObject({ kind: 'approve', ref: { w: 'run:a:1', s: 'review' }, userId: 'U1', channel: 'C1', ts: '1.2', triggerId: 't1' });
    expect(approvalInteractionOf(form(click(SLACK_APPROVAL_ACTIONS.reject)))).toMatchObject({ kind: 'reject' });
    expect(approvalInteractionOf(form(click(SLACK_APPROVAL_ACTIONS.open)))).toBe('ours');
    expect(approvalInteractionOf(form(click('my_own_button')))).toBeUndefined();
    expect(approvalInteractionOf({ headers: { 'content-type': 'application/json' }, rawBody: Buffer.from('{"type":"event_callback"}') })).toBeUndefined();
    const submission = {
      type: 'view_submission',
      user: { id: 'U2' },
      view: {
        callback_id: SLACK_APPROVAL_ACTIONS.rejectModal,
        private_metadata: JSON.stringify({ w: 'run:a:1', s: 'review', c: 'C1', t: '1.2' }),
        state: { values: { comment: { comment: { value: '  too much  ' } } } },
      },
    };
    expect(approvalInteractionOf(form(submission))).toMatchObject({ kind: 'rejectSubmitted', userId: 'U2', channel: 'C1', ts: '1.2', comment: 'too much' });
  });

  it('shows the request escaped, and once closed the decisions without the decide buttons', () => {
    const open = JSON.stringify(approvalBlocks(request, 'https://sb.example.com').blocks);
    expect(open).toContain('Refunds &lt;prod&gt;');
    expect(open).toContain('ada, bob (2 of them)');
    expect(open).toContain(SLACK_APPROVAL_ACTIONS.approve);
    expect(open).toContain('https://sb.example.com/runs/run%3Aauto_1%3Aabc');
    const decided = approvalBlocks(request, 'https://sb.example.com', {
      closed: true,
      decisions: [{ approver: 'ada', decision: 'approve', comment: 'ok', decidedAt: '2026-12-06T14:02:00.000Z' }],
    });
    expect(decided.text).toBe('Approved by ada: Refund 42 € to <cy@example.com>?');
    const text = JSON.stringify(decided.blocks);
    expect(text).toContain("Approved by *ada* at <!date^");
    expect(text).toContain("|2026-12-06 14:02 UTC> — 'ok'");
    expect(text).not.toContain(SLACK_APPROVAL_ACTIONS.approve);
    expect(text).toContain(SLACK_APPROVAL_ACTIONS.open);
  });

  it('mails HTML (escaped) and text with the links and the context', () => {
    const mail = approvalEmail(request, { approve: 'https://sb/approval-links/a.b', reject: 'https://sb/approval-links/c.d' }, 'https://sb', 'ada');
    expect(mail.subject).toBe('Approval needed: Refund 42 € to <cy@example.com>?');
    expect(mail.text).toContain('Approve: https://sb/approval-links/a.b');
    expect(mail.text).toContain('Order: A-1');
    expect(mail.html).toContain('Refund 42 € to &lt;cy@example.com&gt;?');
    expect(mail.html).not.toContain('<cy@example.com>');
    expect(mail.html).toContain('href="https://sb/approval-links/c.d"');
  });
});
