import type { ApprovalDecision } from '../api.ts';
import { when } from '../ui.tsx';

const CHANNEL_LABEL: Record<string, string> = { console: 'Console', link: 'Signed link', slack: 'Slack', email: 'Email', api: 'API', mcp: 'MCP' };

const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The decision record of an approval: who, what, where, when, comment and form values. */
export function DecisionRecord({ decisions, caption }: { decisions: ApprovalDecision[]; caption: string }) {
  if (decisions.length === 0) return null;
  return (
    <table className="decisions">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Principal</th>
          <th scope="col">Decision</th>
          <th scope="col">Channel</th>
          <th scope="col">At</th>
          <th scope="col">Comment</th>
          <th scope="col">Form</th>
        </tr>
      </thead>
      <tbody>
        {decisions.map((d) => (
          <tr key={`${d.approver}/${d.decidedAt}`}>
            <td>
              {d.approver}
              {d.decidedBy ? ` (by ${d.decidedBy})` : ''}
              {d.group ? ` via ${d.group}` : ''}
            </td>
            <td>{d.decision === 'approve' ? 'Approved' : 'Rejected'}</td>
            <td>{d.channel ? (CHANNEL_LABEL[d.channel] ?? d.channel) : '—'}</td>
            <td>{when(d.decidedAt)}</td>
            <td>{d.comment ?? '—'}</td>
            <td>
              {d.form && Object.keys(d.form).length
                ? Object.entries(d.form)
                    .map(([k, v]) => `${k}: ${value(v)}`)
                    .join('; ')
                : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
