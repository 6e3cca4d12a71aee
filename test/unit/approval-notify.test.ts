/**
 * The parts of Slack and email approvals that need no server: the `notify` schema rules,
 * reading an approval interaction out of a Slack delivery, and what the message and the
 * email say (escaped, with the buttons only while the approval is open).
 */
import { describe, expect, it } from 'vitest';
import { approvalEmail } from '../../src/approvals/email-message.ts';
import { approvalInteractionOf } from '../../src/approvals/slack-interactions.ts';
import { approvalBlocks, approveModal, formValuesOfSubmission, SLACK_APPROVAL_ACTIONS } from '../../src/approvals/slack-message.ts';
import type { ApprovalRequest } from '../../src/approvals/request.ts';
import { assertFormValues } from '../../src/approvals/form.ts';
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

  it('asks a simple form in a Slack modal and reads its submission back typed by the form', () => {
    const form = {
      type: 'object',
      required: ['reason', 'tier'],
      properties: {
        reason: { type: 'string', maxLength: 200 },
        count: { type: 'integer' },
        tier: { enum: [1, 2, 'gold'] },
        vip: { type: 'boolean', default: true },
      },
    };
    const view = approveModal({ w: 'run:a:b', s: 'review', c: 'C1', t: '1.2' }, 'Refund?', form)!;
    expect(view['callback_id']).toBe(SLACK_APPROVAL_ACTIONS.approveModal);
    expect(JSON.parse(String(view['private_metadata']))).toEqual({ w: 'run:a:b', s: 'review', c: 'C1', t: '1.2' });
    const blocks = view['blocks'] as { block_id?: string; optional?: boolean; element?: Record<string, unknown> }[];
    const byId = Object.fromEntries(blocks.map((b) => [b.block_id, b]));
    expect(byId['form:reason']).toMatchObject({ optional: false, element: { type: 'plain_text_input', max_length: 200 } });
    expect(byId['form:count']).toMatchObject({ optional: true, element: { type: 'number_input', is_decimal_allowed: false } });
    expect(byId['form:vip']!.element!['initial_options']).toHaveLength(1);
    const submitted = formValuesOfSubmission(form, {
      'form:reason': { value: { type: 'plain_text_input', value: 'late' } },
      'form:count': { value: { type: 'number_input', value: 'three' } },
      'form:tier': { value: { type: 'static_select', selected_option: { value: '2' } } },
      'form:vip': { value: { type: 'checkboxes', selected_options: [] } },
    });
    // The enum keeps its number; a number that does not parse stays text, so validation names it.
    expect(submitted).toEqual({ reason: 'late', count: 'three', tier: 2, vip: false });
    expect(() => assertFormValues(form, submitted)).toThrow(/form\.count: must be integer/);
    // Forms Slack cannot show: arrays, nested objects.
    expect(approveModal({ w: 'w', s: 's' }, 'x', { type: 'object', properties: { tags: { type: 'array' } } })).toBeUndefined();
    expect(approveModal({ w: 'w', s: 's' }, 'x', { type: 'object', properties: { who: { type: 'object' } } })).toBeUndefined();
  });

  it('a closed message says how the step ended without a decision, without the decide buttons', () => {
    const { text, blocks } = approvalBlocks(request, 'https://sb.example.com', { decisions: [], ended: 'Timed out: no decision before the deadline' });
    expect(text).toBe('Timed out: no decision before the deadline: Refund 42 € to <cy@example.com>?');
    const json = JSON.stringify(blocks);
    expect(json).toContain('Timed out: no decision before the deadline');
    expect(json).not.toContain(SLACK_APPROVAL_ACTIONS.approve);
    expect(json).toContain(SLACK_APPROVAL_ACTIONS.open);
  });

  it('`remind` needs an action or notify channels', () => {
    const step = (extra: Record<string, unknown>) => ({ name: 'r', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'approval', approvers: ['ada'], timeout: '1d', onTimeout: 'reject', ...extra }] });
    expect(() => parseDefinition(step({ remind: { every: '1h' } }))).toThrow(/remind needs an action/);
    expect(() => parseDefinition(step({ remind: { every: '1h', notify: false }, notify: [{ email: { connection: 'smtp' } }] }))).toThrow(/remind needs an action/);
    expect(() => parseDefinition(step({ remind: { every: '1h' }, notify: [{ email: { connection: 'smtp' } }] }))).not.toThrow();
  });
});
