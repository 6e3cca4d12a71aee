import { Link } from 'react-router';
import { api, type PendingApproval } from '../api.ts';
import { usePoll } from '../usePoll.ts';
import { ErrorNote, when } from '../ui.tsx';
import { DecideForm } from './DecideForm.tsx';

export function Approvals() {
  const { data, error, reload } = usePoll(() => api<{ items: PendingApproval[] }>('/approvals?status=pending'), 4000, []);
  return (
    <>
      <h1>Approvals</h1>
      <ErrorNote error={error} />
      {data && data.items.length === 0 && <p>Nothing is waiting for a decision.</p>}
      <ul className="cards">
        {data?.items.map((a) => (
          <li key={`${a.workflowId}/${a.stepId}`} className="card">
            <h2>
              {a.automationId} · step <code>{a.stepId}</code>
            </h2>
            {a.message && <p>{a.message}</p>}
            <dl>
              <dt>Run</dt>
              <dd>
                <Link to={`/runs/${encodeURIComponent(a.workflowId ?? '')}`}>{a.workflowId}</Link>
              </dd>
              <dt>Deadline</dt>
              <dd>{when(a.expiresAt)}</dd>
              <dt>Who may decide</dt>
              <dd>{a.approvers.length ? a.approvers.join(', ') : 'anyone with the right'}</dd>
              <dt>Decided so far</dt>
              <dd>
                {a.decisions.length
                  ? a.decisions.map((d) => `${d.approver}: ${d.decision}`).join(', ')
                  : `none of ${a.quorum}`}
              </dd>
            </dl>
            <DecideForm workflowId={a.workflowId ?? ''} approval={a} onDecided={reload} />
          </li>
        ))}
      </ul>
    </>
  );
}
