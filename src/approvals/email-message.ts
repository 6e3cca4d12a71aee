/**
 * The approval email: HTML and plain text with what is being decided and the
 * recipient's own signed approve / reject links (single use, expiring with the step).
 */
import type { LinkPair } from './links.ts';
import { headlineOf, runPageUrl, whoMayDecide, type ApprovalRequest } from './request.ts';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const deadlineText = (iso: string): string => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function approvalEmail(r: ApprovalRequest, links: LinkPair, publicUrl: string, approver: string | undefined, opts: { reminder?: boolean } = {}): { subject: string; text: string; html: string } {
  const headline = headlineOf(r);
  const subject = `${opts.reminder ? 'Reminder: approval still needed' : 'Approval needed'}: ${headline}`.slice(0, 900);
  const runUrl = runPageUrl(publicUrl, r.workflowId);
  const who = approver ? `You are asked as ${approver}.` : '';
  const text = [
    ...(opts.reminder ? ['Reminder: this approval is still waiting for your decision.', ''] : []),
    headline,
    '',
    ...(r.description ? [r.description, ''] : []),
    ...(r.context ?? []).map((c) => `${c.label}: ${c.value}`),
    ...(r.context?.length ? [''] : []),
    `Automation: ${r.automationName} (step ${r.stepId})`,
    `Decide by: ${deadlineText(r.expiresAt)}`,
    `Who may decide: ${whoMayDecide(r)}`,
    ...(who ? [who] : []),
    '',
    `Approve: ${links.approve}`,
    `Reject: ${links.reject}`,
    '',
    `Open in Switchboard: ${runUrl}`,
    'Each link opens a page where you confirm (and may add a comment); it works once and expires with the approval.',
  ].join('\n');
  const rows = (r.context ?? []).map((c) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(c.label)}</th><td>${escapeHtml(c.value)}</td></tr>`).join('');
  const button = (href: string, label: string, color: string) =>
    `<a href="${escapeHtml(href)}" style="display:inline-block;padding:10px 18px;margin-right:8px;border-radius:4px;background:${color};color:#fff;text-decoration:none;font-weight:bold">${label}</a>`;
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">
${opts.reminder ? '<p><b>Reminder:</b> this approval is still waiting for your decision.</p>' : ''}
<h2 style="margin:0 0 8px">${escapeHtml(headline)}</h2>
${r.description ? `<p>${escapeHtml(r.description).replace(/\n/g, '<br>')}</p>` : ''}
${rows ? `<table>${rows}</table>` : ''}
<p style="color:#555">Automation <b>${escapeHtml(r.automationName)}</b> · step <code>${escapeHtml(r.stepId)}</code><br>Decide by ${escapeHtml(deadlineText(r.expiresAt))}<br>Who may decide: ${escapeHtml(whoMayDecide(r))}${who ? `<br>${escapeHtml(who)}` : ''}</p>
<p>${button(links.approve, 'Approve', '#1a7f37')}${button(links.reject, 'Reject', '#cf222e')}</p>
<p><a href="${escapeHtml(runUrl)}">Open in Switchboard</a></p>
<p style="color:#777;font-size:12px">Each link opens a page where you confirm (and may add a comment); it works once and expires with the approval.</p>
</body></html>`;
  return { subject, text, html };
}
