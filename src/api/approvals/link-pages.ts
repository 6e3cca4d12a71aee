/**
 * HTML of the public approval-link pages (no API key, no script): the decision page
 * with what is being decided (automation name, rendered title, description, context,
 * deadline, who may decide, decisions so far), approve and reject with a comment; the
 * outcome page after a decision; and the pages of a link that cannot be used any more
 * (410) or at all. Every value is escaped.
 */
import type { ApprovalLinkClaims } from '../../approvals/links.ts';
import { formFieldsHtml } from './form-fields.ts';
import { LINK_APPROVER } from '../../../workflows/automation/definitions.ts';
import type { ApprovalDecision, PendingApproval } from '../../../workflows/automation/types.ts';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (iso: string | Date): string => new Date(iso).toUTCString();

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:1rem 0 .25rem}textarea,input[type=text],input[type=number],select{width:100%;font:inherit;padding:.4rem;box-sizing:border-box}
button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:0;color:#fff;background:#0550ae;margin:1rem .5rem 0 0;cursor:pointer}
button.reject{background:#a40e26}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}.note{color:#57606a}.desc{white-space:pre-wrap}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Switchboard</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** What the run says about the link's approval; a run that cannot be read shows less. */
export interface LinkContext {
  automationName?: string;
  /** The approval while it waits; absent once it was decided, timed out or the run ended. */
  pending?: PendingApproval;
}

/** Who the link decides as: its approver's principal, or anyone holding it. */
export function deciderOf(c: ApprovalLinkClaims): string {
  return c.a === LINK_APPROVER ? 'anyone holding this link' : c.a;
}

const list = (rows: [string, string][]): string => `<dl>${rows.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('')}</dl>`;

function decisionLine(d: ApprovalDecision): string {
  return `${d.decision === 'approve' ? 'Approved' : 'Rejected'} by ${d.approver} at ${when(d.decidedAt)}${d.comment ? ` — “${d.comment}”` : ''}`;
}

function decisionsSoFar(p: PendingApproval): string {
  if (p.decisions.length === 0) return '<p class="note">No decisions yet.</p>';
  return `<h2>Decisions so far</h2><ul>${p.decisions.map((d) => `<li>${escape(decisionLine(d))}</li>`).join('')}</ul>`;
}

/** The decision page: what is decided, both choices and a comment (a GET never decides). */
export function decisionPage(c: ApprovalLinkClaims, ctx: LinkContext): string {
  const p = ctx.pending;
  const title = p?.title ?? p?.message ?? `Approval of step ${c.s}`;
  const rows: [string, string][] = [
    ['Automation', ctx.automationName ?? '(unknown)'],
    ...(p?.context ?? []).map((x): [string, string] => [x.label, x.value]),
    ['Your decision counts for', deciderOf(c)],
    ...(p ? [['Who may decide', `${p.approvers.length ? p.approvers.join(', ') : 'anyone with approvals:decide or a link'}${p.quorum > 1 ? ` (${p.quorum} approvals needed)` : ''}`] as [string, string]] : []),
    ...(p ? [['Deadline', when(p.expiresAt)] as [string, string]] : []),
  ];
  const body =
    `<h1>${escape(title)}</h1>` +
    (p?.description ? `<p class="desc">${escape(p.description)}</p>` : '') +
    (p?.title && p.message ? `<p>${escape(p.message)}</p>` : '') +
    list(rows) +
    (p ? decisionsSoFar(p) : '') +
    `<form method="post">${p?.form ? formFieldsHtml(p.form) : ''}<label for="comment">Comment (optional)</label><textarea id="comment" name="comment" rows="3" maxlength="10000"></textarea>` +
    // A reject needs no form values (formnovalidate); an approve must fill the required fields.
    `<button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="reject" class="reject" formnovalidate>Reject</button></form>` +
    `<p class="note">Step ${escape(c.s)} of run ${escape(c.w)}.</p>`;
  return page(title, body);
}

/** The outcome page after this link decided: who, when, comment. */
export function outcomePage(c: ApprovalLinkClaims, d: ApprovalDecision, title?: string): string {
  const done = d.decision === 'approve' ? 'Approved' : 'Rejected';
  const rows: [string, string][] = [
    ['Decision', done],
    ['By', d.approver === LINK_APPROVER ? 'a holder of this link' : d.approver],
    ['At', when(d.decidedAt)],
    ['Comment', d.comment ?? '—'],
    ...Object.entries(d.form ?? {}).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ];
  return page(done, `<h1>${done}</h1>${title ? `<p>${escape(title)}</p>` : ''}${list(rows)}<p class="note">Step ${escape(c.s)} of run ${escape(c.w)}. You can close this page.</p>`);
}

/** 410: the link was used, the approval was decided or timed out, or the link expired. */
export function gonePage(c: ApprovalLinkClaims | undefined, why: string, used?: { approver: string; decision: string; usedAt: Date }): string {
  const detail = used ? `${used.decision === 'approve' ? 'Approved' : 'Rejected'} by ${used.approver === LINK_APPROVER ? 'a holder of this link' : used.approver} at ${when(used.usedAt)}.` : '';
  return page(
    'No longer open',
    `<h1>This approval is no longer open</h1><p>${escape(why)}</p>${detail ? `<p>${escape(detail)}</p>` : ''}` +
      (c ? `<p class="note">Step ${escape(c.s)} of run ${escape(c.w)}. Nothing was changed.</p>` : '<p class="note">Nothing was changed.</p>'),
  );
}

export function errorPage(status: number, message: string): string {
  if (status === 410) return gonePage(undefined, message);
  const title = status === 404 ? 'Link not valid' : status === 409 ? 'Already decided' : status === 403 ? 'Not allowed yet' : 'Could not decide';
  return page(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}
