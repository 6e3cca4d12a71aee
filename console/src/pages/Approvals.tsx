import { useState } from 'react';
import { Link } from 'react-router';
import { can, type ApprovalDecision, type ApprovalsPage } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, when } from '../ui.tsx';
import { DecideForm } from './DecideForm.tsx';
import { ApprovalSummary } from './ApprovalSummary.tsx';

/**
 * The inbox: `GET /approvals?mine=true`, the approvals the signed-in principal may decide
 * now. A key with `approvals:act-as` may widen it to every pending approval. The API lists
 * pending approvals only, so "Decided here" lists the decisions made on this page (with
 * who and when, as the API answered them); decisions so far on a pending step come from it.
 * The API answers a page at a time (`nextCursor`): the inbox pages, it never truncates.
 */
const PAGE_SIZE = 50;

export function Approvals() {
  const session = useSession();
  const me = session?.principal ?? '';
  const [everyone, setEveryone] = useState(false);
  const [decided, setDecided] = useState<(ApprovalDecision & { workflowId: string; stepId: string; automationId?: string | undefined })[]>([]);
  // The cursors of the pages before this one: the last is this page's.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error } = useApi<ApprovalsPage>(
    `/approvals?status=pending${everyone ? '' : '&mine=true'}&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    { poll: 4000, keepPrevious: true },
  );
  const invalidate = useInvalidate();
  const pager = data && (cursors.length > 0 || data.nextCursor) && (
    <nav className="pager" aria-label="Inbox pages">
      <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
        Previous
      </button>
      <span>
        page {cursors.length + 1} · {data.total} waiting run(s)
      </span>
      <button type="button" disabled={!data.nextCursor} onClick={() => data.nextCursor && setCursors((c) => [...c, data.nextCursor!])}>
        Next
      </button>
    </nav>
  );
  return (
    <>
      <h1>Approvals</h1>
      {can(session, 'approvals:act-as') && (
        <label className="inline">
          <input
            type="checkbox"
            checked={everyone}
            onChange={(e) => {
              setEveryone(e.target.checked);
              setCursors([]);
            }}
          />{' '}
          Also those I may decide for others
        </label>
      )}
      <ErrorNote error={error} />
      {data && data.items.length === 0 && cursors.length === 0 && <p>Nothing is waiting for a decision.</p>}
      {pager}
      <ul className="cards">
        {data?.items.map((a) => {
          const others = a.approvers.filter((p) => p !== me);
          return (
            <li key={`${a.workflowId}/${a.stepId}`} className="card">
              <h2>
                {a.automationName ?? a.automationId} · step <code>{a.stepId}</code>
              </h2>
              <ApprovalSummary approval={a} />
              <dl>
                <dt>Run</dt>
                <dd>
                  <Link to={`/runs/${encodeURIComponent(a.workflowId ?? '')}`}>{a.workflowId}</Link>
                </dd>
                <dt>Deadline</dt>
                <dd>{when(a.expiresAt)}</dd>
                <dt>Who else may decide</dt>
                <dd>{a.approvers.length === 0 ? 'anyone with approvals:decide' : others.length ? others.join(', ') : 'nobody else'}</dd>
                <dt>Decided so far</dt>
                <dd>
                  {a.decisions.length
                    ? a.decisions.map((d) => `${d.approver}: ${d.decision} at ${when(d.decidedAt)}${d.decidedBy ? ` (by ${d.decidedBy})` : ''}`).join('; ')
                    : `none (${a.quorum} needed)`}
                </dd>
              </dl>
              <DecideForm
                workflowId={a.workflowId ?? ''}
                approval={a}
                onDecided={(d) => {
                  setDecided((list) => [{ ...d, workflowId: a.workflowId ?? '', stepId: a.stepId, automationId: a.automationId }, ...list]);
                  void invalidate('/approvals', `/runs/${encodeURIComponent(a.workflowId ?? '')}`);
                }}
              />
            </li>
          );
        })}
      </ul>
      {pager}
      {decided.length > 0 && (
        <section aria-labelledby="decided-h">
          <h2 id="decided-h">Decided here</h2>
          <ul className="decided">
            {decided.map((d) => (
              <li key={`${d.workflowId}/${d.stepId}/${d.decidedAt}`}>
                {d.decision === 'approve' ? 'Approved' : 'Rejected'} <code>{d.stepId}</code> of{' '}
                <Link to={`/runs/${encodeURIComponent(d.workflowId)}`}>{d.workflowId}</Link> by {d.approver}
                {d.decidedBy ? ` (decided by ${d.decidedBy})` : ''} at {when(d.decidedAt)}
                {d.comment ? `: “${d.comment}”` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
