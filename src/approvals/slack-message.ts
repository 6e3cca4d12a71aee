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
  approveModal: 'switchboard_approval_approve_modal',
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
export function approvalBlocks(
  r: ApprovalRequest,
  publicUrl: string,
  state: { decisions?: ApprovalDecision[]; closed?: boolean; escalatedTo?: string[]; ended?: string } = {},
): { text: string; blocks: unknown[] } {
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
  if (state.ended) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn(state.ended), 3000) } });
  const ref = JSON.stringify({ w: r.workflowId, s: r.stepId } satisfies SlackApprovalRef);
  const open = { type: 'button', action_id: SLACK_APPROVAL_ACTIONS.open, text: { type: 'plain_text', text: 'Open in Switchboard' }, url: runPageUrl(publicUrl, r.workflowId) };
  blocks.push({
    type: 'actions',
    elements: state.closed || state.ended
      ? [open]
      : [
          { type: 'button', action_id: SLACK_APPROVAL_ACTIONS.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: ref },
          { type: 'button', action_id: SLACK_APPROVAL_ACTIONS.reject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: ref },
          open,
        ],
  });
  const last = decisions[decisions.length - 1];
  const text = state.ended ? `${state.ended}: ${headline}` : state.closed && last ? `${outcomeWord(last)} by ${last.approver}: ${headline}` : `${state.escalatedTo?.length ? 'Escalated approval' : 'Approval needed'}: ${headline}`;
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

type FormProperty = { type?: unknown; enum?: unknown[]; title?: unknown; description?: unknown; default?: unknown; maxLength?: unknown; minimum?: unknown; maximum?: unknown };

/** The `block_id` of a form field's input block in the approve modal. */
export const formBlockId = (field: string): string => `form:${field}`;

/** A form's fields, or undefined when it has one a Slack modal cannot ask (nested objects, arrays, more than 40 fields). */
export function simpleFormFields(form: Record<string, unknown>): [string, FormProperty][] | undefined {
  const props = form['properties'];
  const fields = props && typeof props === 'object' ? Object.entries(props as Record<string, FormProperty>) : [];
  if (fields.length > 40) return undefined;
  for (const [name, p] of fields) {
    if (!p || typeof p !== 'object' || formBlockId(name).length > 255) return undefined;
    if (Array.isArray(p.enum)) {
      if (p.enum.length === 0 || p.enum.length > 100 || p.enum.some((v) => JSON.stringify(v).length > 150)) return undefined;
      continue;
    }
    if (!['string', 'number', 'integer', 'boolean'].includes(p.type as string)) return undefined;
  }
  return fields;
}

/**
 * The modal that asks an approving user for the step's form fields (text, number, select,
 * checkbox) and an optional comment; its submission approves with the values, validated
 * on the server like any other channel's. Undefined for a form Slack cannot show.
 */
export function approveModal(r: { w: string; s: string; c?: string | undefined; t?: string | undefined }, headline: string, form: Record<string, unknown>): Record<string, unknown> | undefined {
  const fields = simpleFormFields(form);
  if (!fields) return undefined;
  const required = new Set(Array.isArray(form['required']) ? (form['required'] as string[]) : []);
  const plain = (text: string, max: number) => ({ type: 'plain_text', text: clip(text, max) });
  const inputs = fields.map(([name, p]) => {
    const label = typeof p.title === 'string' && p.title ? p.title : name;
    const hint = typeof p.description === 'string' && p.description ? { hint: plain(p.description, 2000) } : {};
    let element: Record<string, unknown>;
    if (Array.isArray(p.enum)) {
      const options = p.enum.map((v) => ({ text: plain(String(v), 75), value: JSON.stringify(v) }));
      const initial = options.find((o) => o.value === JSON.stringify(p.default));
      element = { type: 'static_select', action_id: 'value', options, ...(initial ? { initial_option: initial } : {}) };
    } else if (p.type === 'boolean') {
      const option = { text: plain('Yes', 75), value: 'true' };
      element = { type: 'checkboxes', action_id: 'value', options: [option], ...(p.default === true ? { initial_options: [option] } : {}) };
    } else if (p.type === 'number' || p.type === 'integer') {
      element = {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: p.type === 'number',
        ...(typeof p.default === 'number' ? { initial_value: String(p.default) } : {}),
        ...(typeof p.minimum === 'number' ? { min_value: String(p.minimum) } : {}),
        ...(typeof p.maximum === 'number' ? { max_value: String(p.maximum) } : {}),
      };
    } else {
      element = {
        type: 'plain_text_input',
        action_id: 'value',
        ...(typeof p.default === 'string' ? { initial_value: p.default } : {}),
        ...(typeof p.maxLength === 'number' && p.maxLength <= 3000 ? { max_length: p.maxLength } : {}),
      };
    }
    // A checkbox left empty is `false`, so Slack never insists on it.
    return { type: 'input', block_id: formBlockId(name), optional: p.type === 'boolean' && !Array.isArray(p.enum) ? true : !required.has(name), label: plain(label, 2000), element, ...hint };
  });
  return {
    type: 'modal',
    callback_id: SLACK_APPROVAL_ACTIONS.approveModal,
    private_metadata: JSON.stringify(r),
    title: plain('Approve', 24),
    submit: plain('Approve', 24),
    close: plain('Cancel', 24),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn(headline), 3000) } },
      ...inputs,
      { type: 'input', block_id: 'comment', optional: true, label: plain('Comment (shown with the decision)', 2000), element: { type: 'plain_text_input', action_id: 'comment', multiline: true, max_length: 3000 } },
    ],
  };
}

/** A submitted Slack modal input's value (`state.values[block][action]`), as Slack sends each element type. */
type SlackInputState = { type?: string; value?: string | null; selected_option?: { value?: string } | null; selected_options?: { value?: string }[] };

/**
 * The form values of an approve modal's submission, typed by the form: numbers parsed, a
 * select's option value decoded, a checkbox true or false, empty fields left out. Values
 * that do not parse are passed on as text, so the form's validation names them.
 */
export function formValuesOfSubmission(form: Record<string, unknown>, values: Record<string, Record<string, SlackInputState>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of simpleFormFields(form) ?? []) {
    const input = values[formBlockId(name)]?.['value'];
    if (!input) continue;
    if (Array.isArray(p.enum)) {
      const raw = input.selected_option?.value;
      if (raw === undefined) continue;
      try {
        out[name] = JSON.parse(raw);
      } catch {
        out[name] = raw;
      }
    } else if (p.type === 'boolean') {
      out[name] = (input.selected_options ?? []).some((o) => o.value === 'true');
    } else {
      const raw = input.value;
      if (typeof raw !== 'string' || raw.trim() === '') continue;
      if (p.type === 'number' || p.type === 'integer') {
        const n = Number(raw.trim());
        out[name] = Number.isFinite(n) ? n : raw;
      } else out[name] = raw;
    }
  }
  return out;
}
