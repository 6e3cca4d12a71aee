import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, can, type ApprovalDecision, type RunDetail, type RunTrigger } from '../api.ts';
import { useSession } from '../session.tsx';
import { usePoll } from '../usePoll.ts';
import { ErrorNote, StatusBadge, when } from '../ui.tsx';
import { DecideForm } from './DecideForm.tsx';
import { ApprovalSummary } from './ApprovalSummary.tsx';
import { DecisionRecord } from './DecisionRecord.tsx';
import { LoopIterations } from './LoopIterations.tsx';
import { AgentTranscript, usageText } from './AgentTranscript.tsx';

/** The decisions of the run's finished approval steps (from their outputs). */
function decidedApprovals(run: RunDetail): { stepId: string; decisions: ApprovalDecision[] }[] {
  return run.steps
    .filter((s) => s.type === 'approval' && s.status !== 'waiting')
    .map((s) => ({ stepId: s.id, decisions: ((s.output as { decisions?: ApprovalDecision[] } | null | undefined)?.decisions ?? []).filter((d) => d.approver !== 'system:timeout') }))
    .filter((x) => x.decisions.length > 0);
}

interface SystemInfo {
  temporal: { namespace: string; uiUrl?: string };
}

const FINAL = new Set(['completed', 'failed', 'canceled', 'cancelled', 'terminated', 'timed_out']);
/** Runs a re-drive starts from: closed without success. */
const REDRIVABLE = new Set(['failed', 'canceled', 'cancelled', 'terminated', 'timed_out']);
/** Steps a re-drive can start at (see docs/operations/dead-letters.md#resume-from-a-step). */
const RETRYABLE_STEP = new Set(['completed', 'failed']);

export function RunPage() {
  const { workflowId = '' } = useParams();
  const session = useSession();
  const [system, setSystem] = useState<SystemInfo | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  useEffect(() => {
    api<SystemInfo>('/system')
      .then(setSystem)
      .catch(() => undefined);
  }, []);
  const { data: run, error, reload } = usePoll(() => api<RunDetail>(`/runs/${encodeURIComponent(workflowId)}`), 2000, [workflowId]);
  const navigate = useNavigate();
  const redrivable = !!run && REDRIVABLE.has(run.status) && can(session, 'runs:write');
  // A re-drive starts at a top-level step: the pinned version's list says which steps are.
  const [topLevel, setTopLevel] = useState<Set<string> | null>(null);
  useEffect(() => {
    if (!redrivable || !run) return;
    api<{ definition: { steps: { id: string }[] } }>(`/automations/${encodeURIComponent(run.automationId)}/versions/${run.version}`)
      .then((v) => setTopLevel(new Set(v.definition.steps.map((s) => s.id))))
      .catch(() => setTopLevel(null));
  }, [redrivable, run?.automationId, run?.version]);
  const retryFrom = async (stepId: string) => {
    if (!run) return;
    const again = run.redrivenBy.length > 0;
    const question = again
      ? `This run was re-driven before (${run.redrivenBy[0]}). Start another re-drive from step ${stepId}?`
      : `Re-drive this run from step ${stepId}? The steps before it keep their results and do not run again.`;
    if (!window.confirm(question)) return;
    try {
      const started = await api<{ workflowId: string }>(`/runs/${encodeURIComponent(workflowId)}/redrive`, { method: 'POST', json: { fromStep: stepId, ...(again ? { force: true } : {}) } });
      void navigate(`/runs/${encodeURIComponent(started.workflowId)}`);
    } catch (err) {
      setActionError(err);
    }
  };
  const cancel = async () => {
    if (!window.confirm('Cancel this run?')) return;
    try {
      await api(`/runs/${encodeURIComponent(workflowId)}/cancel`, { method: 'POST', json: {} });
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const uiUrl = system?.temporal.uiUrl ? `${system.temporal.uiUrl}/namespaces/${encodeURIComponent(system.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}` : '';
  return (
    <>
      <div className="page-head">
        <h1>
          Run <code>{workflowId}</code>
        </h1>
        {run && <StatusBadge status={run.status} />}
      </div>
      <ErrorNote error={error ?? actionError} />
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
            <button type="button" className="danger" onClick={() => void cancel()}>
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
                  <DecideForm workflowId={workflowId} approval={a} onDecided={reload} />
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
          <section aria-labelledby="steps-h">
            <h2 id="steps-h">Steps</h2>
            <ol className="timeline">
              {run.steps.map((s) => (
                <li key={s.id} className={`step status-${s.status}`}>
                  <div className="step-head">
                    <strong>{s.id}</strong> <span className="hint">{s.type}</span> <StatusBadge status={s.status} />
                    {redrivable && topLevel?.has(s.id) && RETRYABLE_STEP.has(s.status) && (
                      <button type="button" onClick={() => void retryFrom(s.id)}>
                        Retry from here
                      </button>
                    )}
                  </div>
                  <p className="hint durations">
                    {s.attempts === 1 ? '1 attempt' : `${s.attempts} attempts`}
                    {s.startedAt && ` · started ${when(s.startedAt)}`}
                    {s.startedAt && s.finishedAt && ` · took ${duration(s.startedAt, s.finishedAt)}`}
                  </p>
                  {s.progress && <LoopIterations workflowId={workflowId} stepId={s.id} progress={s.progress} />}
                  {s.transcript && <AgentTranscript turns={s.transcript} />}
                  {s.error && (
                    <p className="error">
                      {s.error.code}: {s.error.message}
                    </p>
                  )}
                  {s.output !== undefined && (
                    <details>
                      <summary>Output</summary>
                      <pre>{JSON.stringify(s.output, null, 2)}</pre>
                    </details>
                  )}
                </li>
              ))}
            </ol>
            {run.steps.length === 0 && <p>No step has started yet.</p>}
          </section>
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

/** `1.2 s`, `340 ms`, `3 min 5 s`: how long a step took. */
export function duration(from: string, to: string): string {
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** What started the run; for a webhook, the event and its payload. */
function TriggerView({ trigger }: { trigger: RunTrigger }) {
  return (
    <section aria-labelledby="trigger-h">
      <h2 id="trigger-h">Trigger</h2>
      {trigger.type === 'webhook' ? (
        <>
          <p>
            {trigger.test ? <span className="badge">test event</span> : 'Webhook'} <code>{trigger.event.type}</code> from {trigger.event.source.connector}{' '}
            <code>{trigger.event.source.connectionId}</code>, received {when(trigger.event.receivedAt)} (delivery <code>{trigger.event.id}</code>)
          </p>
          <details open>
            <summary>Payload</summary>
            <pre aria-label="Trigger payload">{JSON.stringify(trigger.event.payload, null, 2)}</pre>
          </details>
        </>
      ) : trigger.type === 'manual' ? (
        <p>Started by hand{trigger.principal ? ` by ${trigger.principal}` : ''}.</p>
      ) : trigger.type === 'schedule' ? (
        <p>Started by its schedule{trigger.scheduledAt ? ` for ${when(trigger.scheduledAt)}` : ''}.</p>
      ) : trigger.type === 'poll' ? (
        <>
          <p>
            Started by a poll of <code>{trigger.trigger}</code> on connection <code>{trigger.connectionId}</code> for item <code>{trigger.id}</code>
            {trigger.at ? ` (${when(trigger.at)})` : ''}.
          </p>
          <details open>
            <summary>Item</summary>
            <pre aria-label="Trigger payload">{JSON.stringify(trigger.payload, null, 2)}</pre>
          </details>
        </>
      ) : (
        <p>
          Started by run <code>{trigger.parentWorkflowId}</code>.
        </p>
      )}
    </section>
  );
}
