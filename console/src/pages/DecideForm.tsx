import { useState } from 'react';
import { api, can, type PendingApproval } from '../api.ts';
import { useSession } from '../session.tsx';
import { ErrorNote } from '../ui.tsx';

/** Approve or reject one pending approval, as one of its approvers, with a comment. */
export function DecideForm({ workflowId, approval, onDecided }: { workflowId: string; approval: PendingApproval; onDecided: () => void }) {
  const session = useSession();
  const [approver, setApprover] = useState(approval.approvers[0] ?? session?.principal.id ?? '');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const idBase = `${workflowId}-${approval.stepId}`.replace(/[^\w-]/g, '_');
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      await api(`/runs/${encodeURIComponent(workflowId)}/approvals/${encodeURIComponent(approval.stepId)}`, {
        method: 'POST',
        json: { decision, approver, ...(comment ? { comment } : {}) },
      });
      onDecided();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!can(session, 'approvals:decide')) return <p className="hint">Your key may not decide approvals.</p>;
  return (
    <form className="decide" onSubmit={(e) => e.preventDefault()}>
      <fieldset disabled={busy}>
        <legend className="sr-only">Decide {approval.stepId}</legend>
        {approval.approvers.length > 0 ? (
          <>
            <label htmlFor={`${idBase}-approver`}>Decide as</label>
            <select id={`${idBase}-approver`} value={approver} onChange={(e) => setApprover(e.target.value)}>
              {approval.approvers.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </>
        ) : (
          <>
            <label htmlFor={`${idBase}-approver`}>Your name</label>
            <input id={`${idBase}-approver`} value={approver} onChange={(e) => setApprover(e.target.value)} />
          </>
        )}
        <label htmlFor={`${idBase}-comment`}>Comment</label>
        <textarea id={`${idBase}-comment`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
        <div className="actions">
          <button type="button" onClick={() => void decide('approve')}>
            Approve
          </button>
          <button type="button" className="danger" onClick={() => void decide('reject')}>
            Reject
          </button>
        </div>
      </fieldset>
      <ErrorNote error={error} />
    </form>
  );
}
