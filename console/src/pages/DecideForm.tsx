import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import { api, can, type ApprovalDecision, type PendingApproval } from '../api.ts';
import { validator } from '../validator.ts';
import { useSession } from '../session.tsx';
import { ErrorNote } from '../ui.tsx';

/** Approve or reject one pending approval, as one of its approvers, with a comment and the step's form (validated by the server). */
export function DecideForm({ workflowId, approval, onDecided }: { workflowId: string; approval: PendingApproval; onDecided: (decision: ApprovalDecision) => void }) {
  const session = useSession();
  const me = session?.principal ?? '';
  // Only a key with approvals:act-as may decide for another approver; everyone else decides as themselves.
  const actAs = can(session, 'approvals:act-as');
  const others = approval.approvers.filter((a) => a !== me);
  const mayAsSelf = approval.approvers.length === 0 || approval.approvers.includes(me);
  const [approver, setApprover] = useState(actAs && !mayAsSelf ? (others[0] ?? me) : me);
  const [comment, setComment] = useState('');
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const idBase = `${workflowId}-${approval.stepId}`.replace(/[^\w-]/g, '_');
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      const done = await api<ApprovalDecision>(`/runs/${encodeURIComponent(workflowId)}/approvals/${encodeURIComponent(approval.stepId)}`, {
        method: 'POST',
        // A reject sends the form only when something was filled in; an approve always does.
        json: {
          decision,
          ...(approver !== me ? { approver } : {}),
          ...(comment ? { comment } : {}),
          ...(approval.form && (decision === 'approve' || Object.keys(formData).length > 0) ? { form: formData } : {}),
        },
      });
      onDecided(done);
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
        {actAs && others.length > 0 ? (
          <>
            <label htmlFor={`${idBase}-approver`}>Decide as</label>
            <select id={`${idBase}-approver`} value={approver} onChange={(e) => setApprover(e.target.value)}>
              {mayAsSelf && <option value={me}>{me} (you)</option>}
              {others.map((a) => (
                <option key={a} value={a}>
                  {a} (for them)
                </option>
              ))}
            </select>
          </>
        ) : (
          <p className="hint">
            Deciding as <strong>{me}</strong>
          </p>
        )}
        {approval.form && (
          <Form
            tagName="div"
            idPrefix={`${idBase}-form`}
            schema={approval.form as RJSFSchema}
            formData={formData}
            validator={validator}
            onChange={(e) => setFormData((e.formData ?? {}) as Record<string, unknown>)}
            noHtml5Validate
          >
            <></>
          </Form>
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
