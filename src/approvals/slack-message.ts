/**
 * The Block Kit message of an approval in Slack, and how it reads once decided. The
 * buttons carry only the run and step (`value`), never anything that decides: a click
 * decides because Slack signed it and the clicking user maps to a principal.
 */
import type { ApprovalDecision } from '../../workflows/automation/types.ts';
import { headlineOf, outcomeWord, runPageUrl, whoMayDecide, type ApprovalRequest } from './request.ts';

/** `action_id`s of the message's buttons and the `callback_id` of the reject modal. */
export const SLACK_APPROVAL_ACTIONS = {
  approve: 'switchboard_approval_approve',
  reject: 'switchboard_approval_reject',
  open: 'switchboard_approval_open',
  rejectModal: 'switchboard_approval_reject_modal',
} as const;

/** What a button's `value` (and the reject modal's `private_metadata`) carries. */
export interface SlackApprovalRef {
  /** workflow id */
  w: string;
  /** step id */
  s: string;
  /** channel and message ts of the approval message (modal only) */
  c?: string;
  t?: string;
}

/** Slack mrkdwn escaping of user text (`&`, `<`, `>`). */
export function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A time Slack shows in each reader's time zone (`fallback` for old clients). */
export function slackTime(iso: string, format: string): string {
  const at = new Date(iso);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;
}

/** One line per decision: "Approved by ada at 14:02 — 'ok'". */
export function decisionLine(d: ApprovalDecision): string {
  const comment = d.comment ? ` — '${mrkdwn(clip(d.comment, 500))}'` : '';
  return `${outcomeWord(d)} by *${mrkdwn(d.approver)}* at ${slackTime(d.decidedAt, '{time}')}${comment}`;
}

/**
 * The message: title, description, context fields, automation / deadline / approvers,
 * decisions so far, and Approve / Reject / Open in Switchboard while it is open.
 */
export function approvalBlocks(r: ApprovalRequest, publicUrl: string, state: { decisions?: ApprovalDecision[]; closed?: boolean; escalatedTo?: string[] } = {}): { text: string; blocks: unknown[] } {
  const headline = headlineOf(r);
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: clip(headline, 150), emoji: false } }];
  if (state.escalatedTo?.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`:rotating_light: Escalated to *${mrkdwn(state.escalatedTo.join(', '))}*: still waiting for a decision.`, 3000) } });
  if (r.description) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn(r.description), 3000) } });
  if (r.context?.length) {
    blocks.push({ type: 'section', fields: r.context.slice(0, 10).map((c) => ({ type: 'mrkdwn', text: clip(`*${mrkdwn(c.label)}*\n${mrkdwn(c.value)}`, 2000) })) });
  }
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: clip(`*${mrkdwn(r.automationName)}* · step \`${r.stepId}\``, 3000) },
      { type: 'mrkdwn', text: `Decide by ${slackTime(r.expiresAt, '{date_short_pretty} {time}')}` },
      { type: 'mrkdwn', text: clip(`Who may decide: ${mrkdwn(whoMayDecide(r))}`, 3000) },
    ],
  });
  const decisions = state.decisions ?? [];
  if (decisions.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(decisions.map(decisionLine).join('\n'), 3000) } });
  const ref = JSON.stringify({ w: r.workflowId, s: r.stepId } satisfies SlackApprovalRef);
  const open = { type: 'button', action_id: SLACK_APPROVAL_ACTIONS.open, text: { type: 'plain_text', text: 'Open in Switchboard' }, url: runPageUrl(publicUrl, r.workflowId) };
  blocks.push({
    type: 'actions',
    elements: state.closed
      ? [open]
      : [
          { type: 'button', action_id: SLACK_APPROVAL_ACTIONS.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: ref },
          { type: 'button', action_id: SLACK_APPROVAL_ACTIONS.reject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: ref },
          open,
        ],
  });
  const last = decisions[decisions.length - 1];
  const text = state.closed && last ? `${outcomeWord(last)} by ${last.approver}: ${headline}` : `${state.escalatedTo?.length ? 'Escalated approval' : 'Approval needed'}: ${headline}`;
  return { text: clip(text, 3000), blocks };
}

/** The modal that asks a rejecting user for a comment; its submission decides. */
export function rejectModal(r: { w: string; s: string; c?: string | undefined; t?: string | undefined }, headline: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: SLACK_APPROVAL_ACTIONS.rejectModal,
    private_metadata: JSON.stringify(r),
    title: { type: 'plain_text', text: 'Reject' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn(headline), 3000) } },
      {
        type: 'input',
        block_id: 'comment',
        optional: true,
        label: { type: 'plain_text', text: 'Why (shown with the decision)' },
        element: { type: 'plain_text_input', action_id: 'comment', multiline: true, max_length: 3000 },
      },
    ],
  };
}
