import type { RunDetail } from '../api.ts';
import { StatusBadge, when } from '../ui.tsx';
import { AgentTranscript } from './AgentTranscript.tsx';
import { LoopIterations } from './LoopIterations.tsx';

/** Steps a re-drive can start at (see docs/operations/dead-letters.md#resume-from-a-step). */
const RETRYABLE_STEP = new Set(['completed', 'failed']);

/**
 * The run's steps as a timeline: status, attempts and times, a loop's iterations, an agent's
 * transcript, the error or output; on a re-drivable run, "Retry from here" at its top-level steps.
 */
export function RunSteps({ workflowId, run, redrivable, topLevel, onRetryFrom }: { workflowId: string; run: RunDetail; redrivable: boolean; topLevel: Set<string> | null; onRetryFrom: (stepId: string) => void }) {
  return (
    <section aria-labelledby="steps-h">
      <h2 id="steps-h">Steps</h2>
      <ol className="timeline">
        {run.steps.map((s) => (
          <li key={s.id} className={`step status-${s.status}`}>
            <div className="step-head">
              <strong>{s.id}</strong> <span className="hint">{s.type}</span> <StatusBadge status={s.status} />
              {redrivable && topLevel?.has(s.id) && RETRYABLE_STEP.has(s.status) && (
                <button type="button" onClick={() => onRetryFrom(s.id)}>
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
  );
}

/** `1.2 s`, `340 ms`, `3 min 5 s`: how long a step took. */
export function duration(from: string, to: string): string {
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

