import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, can, type ApprovalDecision, type AutomationVersion, type RedriveResult, type RunDetail, type SystemInfo } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, StatusBadge, when } from '../ui.tsx';
import { DecideForm } from './DecideForm.tsx';
import { ApprovalSummary } from './ApprovalSummary.tsx';
import { DecisionRecord } from './DecisionRecord.tsx';
import { usageText } from './AgentTranscript.tsx';
import { TriggerView } from './RunTrigger.tsx';
import { RunSteps } from './RunSteps.tsx';

/** The decisions of the run's finished approval steps (from their outputs). */
function decidedApprovals(run: RunDetail): { stepId: string; decisions: ApprovalDecision[] }[] {
  return run.steps
    .filter((s) => s.type === 'approval' && s.status !== 'waiting')
    .map((s) => ({ stepId: s.id, decisions: ((s.output as { decisions?: ApprovalDecision[] } | null | undefined)?.decisions ?? []).filter((d) => d.approver !== 'system:timeout') }))
    .filter((x) => x.decisions.length > 0);
}

const FINAL = new Set(['completed', 'failed', 'canceled', 'cancelled', 'terminated', 'timed_out']);
/** Runs a re-drive starts from: closed without success. */
const REDRIVABLE = new Set(['failed', 'canceled', 'cancelled', 'terminated', 'timed_out']);

export function RunPage() {
  const { workflowId = '' } = useParams();
  const session = useSession();
  const system = useApi<SystemInfo>('/system', { staleTime: Infinity }).data;
  const path = `/runs/${encodeURIComponent(workflowId)}`;
  const { data: run, error } = useApi<RunDetail>(path, { poll: 2000 });
  const invalidate = useInvalidate();
  const navigate = useNavigate();
  const redrivable = !!run && REDRIVABLE.has(run.status) && can(session, 'runs:write');
  // A re-drive starts at a top-level step: the pinned version's list says which steps are.
  const pinned = useApi<AutomationVersion>(run ? `/automations/${encodeURIComponent(run.automationId)}/versions/${run.version}` : null, { enabled: redrivable, staleTime: Infinity });
  const topLevel = pinned.data ? new Set(pinned.data.definition.steps.map((s) => s.id)) : null;
  const redrive = useMutation({
    mutationFn: ({ stepId, again }: { stepId: string; again: boolean }) => api<RedriveResult>(`${path}/redrive`, { method: 'POST', json: { fromStep: stepId, ...(again ? { force: true } : {}) } }),
    onSuccess: (started) => {
      void invalidate('/runs');
      void navigate(`/runs/${encodeURIComponent(started.workflowId)}`);
    },
  });
  const retryFrom = (stepId: string) => {
    if (!run) return;
    const again = run.redrivenBy.length > 0;
    const question = again
      ? `This run was re-driven before (${run.redrivenBy[0]}). Start another re-drive from step ${stepId}?`
      : `Re-drive this run from step ${stepId}? The steps before it keep their results and do not run again.`;
    if (window.confirm(question)) redrive.mutate({ stepId, again });
  };
  const cancel = useMutation({
    mutationFn: () => api(`${path}/cancel`, { method: 'POST', json: {} }),
    onSuccess: () => invalidate('/runs'),
  });
  const uiUrl = system?.temporal.uiUrl ? `${system.temporal.uiUrl}/namespaces/${encodeURIComponent(system.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}` : '';
  return (
    <>
      <div className="page-head">
        <h1>
          Run <code>{workflowId}</code>
        </h1>
        {run && <StatusBadge status={run.status} />}
      </div>
      <ErrorNote error={error ?? redrive.error ?? cancel.error} />
      {run && (
        <>
          <p>
            Automation {run.name ? <strong>{run.name}</strong> : null} <code>{run.automationId}</code> version {run.version}
            {uiUrl && (
              <>
                {' · '}
                <a href={uiUrl} target="_blank" rel="noreferrer">
                  Open in Temporal Web UI
                </a>
              </>
            )}
          </p>
          {(run.redriveOf || run.redrivenBy.length > 0) && (
            <p className="lineage">
              {run.redriveOf && (
                <>
                  Re-drive of <Link to={`/runs/${encodeURIComponent(run.redriveOf)}`}>{run.redriveOf}</Link>
                  {run.fromStep ? (
                    <>
                      {' '}
                      from step <code>{run.fromStep}</code> (the steps before it kept its results)
                    </>
                  ) : null}
                  {run.redrivenBy.length > 0 && ' · '}
                </>
              )}
              {run.redrivenBy.length > 0 && (
                <>
                  Re-driven by{' '}
                  {run.redrivenBy.map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <Link to={`/runs/${encodeURIComponent(id)}`}>{id}</Link>
                    </span>
                  ))}
                </>
              )}
            </p>
          )}
          {(run.usage.inputTokens > 0 || run.usage.cost !== undefined) && <p className="hint">LLM usage: {usageText(run.usage)}</p>}
          {run.error && (
            <p role="alert" className="error">
              Run failed: {run.error.code}: {run.error.message}
            </p>
          )}
          {run.trigger && <TriggerView trigger={run.trigger} />}
          {!FINAL.has(run.status) && can(session, 'runs:write') && (
            <button type="button" className="danger" onClick={() => window.confirm('Cancel this run?') && cancel.mutate()}>
              Cancel run
            </button>
          )}
          {run.pendingApprovals.length > 0 && (
            <section aria-labelledby="pending-h">
              <h2 id="pending-h">Waiting for approval</h2>
              {run.pendingApprovals.map((a) => (
                <div key={a.stepId} className="card">
                  <ApprovalSummary approval={a} />
                  <p>
                    Step <code>{a.stepId}</code> until {when(a.expiresAt)}; approvers: {a.approvers.join(', ') || 'any'}
                  </p>
                  {a.refused?.length ? <p>May not decide (no self-approval): {a.refused.join(', ')}</p> : null}
                  {a.decisions.length ? <DecisionRecord decisions={a.decisions} caption={`Decided so far (${a.quorum} approval${a.quorum > 1 ? 's' : ''} needed)`} /> : <p>Decided so far: none ({a.quorum} needed)</p>}
                  <DecideForm workflowId={workflowId} approval={a} onDecided={() => void invalidate(path, '/approvals')} />
                </div>
              ))}
            </section>
          )}
          {run.concurrency?.status === 'queued' && (
            <section aria-labelledby="queued-h">
              <h2 id="queued-h">Queued</h2>
              <p className="card">
                {run.concurrency.queuedBehind === undefined ? 'Waiting for a slot' : `Queued behind ${run.concurrency.queuedBehind}`} of concurrency key <code>{run.concurrency.key}</code>: it starts when a run
                of this key ahead of it finishes.
              </p>
            </section>
          )}
          {decidedApprovals(run).length > 0 && (
            <section aria-labelledby="decided-h">
              <h2 id="decided-h">Approval decisions</h2>
              {decidedApprovals(run).map(({ stepId, decisions }) => (
                <DecisionRecord key={stepId} decisions={decisions} caption={`Step ${stepId}`} />
              ))}
            </section>
          )}
          {run.waitingFor && run.waitingFor.length > 0 && (
            <section aria-labelledby="waiting-h">
              <h2 id="waiting-h">Waiting for an event</h2>
              {run.waitingFor.map((w) => (
                <p key={w.stepId} className="card">
                  Step <code>{w.stepId}</code> waits for <code>{w.event}</code> with key <code>{w.key}</code>
                  {w.connection && (
                    <>
                      {' '}
                      from connection <code>{w.connection}</code>
                    </>
                  )}{' '}
                  until {when(w.deadline)}
                </p>
              ))}
            </section>
          )}
          <RunSteps workflowId={workflowId} run={run} redrivable={redrivable} topLevel={topLevel} onRetryFrom={retryFrom} />
          {run.result !== undefined && (
            <section aria-labelledby="result-h">
              <h2 id="result-h">Result</h2>
              <pre>{JSON.stringify(run.result, null, 2)}</pre>
            </section>
          )}
        </>
      )}
    </>
  );
}
