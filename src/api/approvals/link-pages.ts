/**
 * HTML of the public approval-link pages (no API key, no script): the confirmation page
 * with the run's context and a comment field, the result page after a decision, and the
 * page of a link that was already used or cannot be used. Every value is escaped.
 */
import type { ApprovalLinkClaims } from '../../automations/links.ts';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const verb = (d: string): string => (d === 'approve' ? 'Approve' : 'Reject');

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:1rem 0 .25rem}textarea{width:100%;font:inherit;padding:.4rem}
button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:0;color:#fff;background:#0550ae;margin-top:1rem;cursor:pointer}
button.reject{background:#a40e26}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}.note{color:#57606a}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Switchboard</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface LinkContext {
  automationId?: string;
  expiresAt?: string;
  message?: string;
  approvers?: string[];
}

function contextList(c: ApprovalLinkClaims, ctx: LinkContext): string {
  const rows: [string, string][] = [
    ['Step', c.s],
    ['Run', c.w],
    ...(ctx.automationId ? ([['Automation', ctx.automationId]] as [string, string][]) : []),
    ['Deciding as', c.a],
    ...(ctx.approvers?.length ? ([['Who may decide', ctx.approvers.join(', ')]] as [string, string][]) : []),
    ...(ctx.expiresAt ? ([['Deadline', new Date(ctx.expiresAt).toUTCString()]] as [string, string][]) : []),
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('')}</dl>`;
}

export function confirmationPage(c: ApprovalLinkClaims, ctx: LinkContext): string {
  return page(
    `${verb(c.d)} ${c.s}`,
    `<h1>${verb(c.d)} step ${escape(c.s)}</h1>${ctx.message ? `<p>${escape(ctx.message)}</p>` : ''}${contextList(c, ctx)}` +
      `<form method="post"><label for="comment">Comment (optional)</label><textarea id="comment" name="comment" rows="3" maxlength="10000"></textarea>` +
      `<button type="submit"${c.d === 'approve' ? '' : ' class="reject"'}>${verb(c.d)}</button></form>`,
  );
}

export function usedLinkPage(c: ApprovalLinkClaims, used: { approver: string; decision: string; usedAt: Date } | undefined): string {
  const what = used ? `Already decided: ${used.decision === 'approve' ? 'approved' : 'rejected'} by ${used.approver} at ${used.usedAt.toUTCString()}.` : 'This link has already been used.';
  return page('Already decided', `<h1>Already decided</h1><p>${escape(what)}</p><p class="note">Step ${escape(c.s)} of run ${escape(c.w)}.</p>`);
}

export function resultPage(c: ApprovalLinkClaims, decision: { approver: string; decision: string; comment: string | null; decidedAt: string }): string {
  const done = decision.decision === 'approve' ? 'Approved' : 'Rejected';
  return page(
    done,
    `<h1>${done}</h1><p>${escape(`${done} by ${decision.approver} at ${new Date(decision.decidedAt).toUTCString()}.`)}</p>` +
      (decision.comment ? `<p>Comment: ${escape(decision.comment)}</p>` : '') +
      `<p class="note">Step ${escape(c.s)} of run ${escape(c.w)}. You can close this page.</p>`,
  );
}

export function errorPage(status: number, message: string): string {
  const title = status === 404 ? 'Link not valid' : status === 409 ? 'Already decided' : status === 403 ? 'Not allowed yet' : 'Could not decide';
  return page(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}
