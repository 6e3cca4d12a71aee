import { useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote, StatusBadge } from '../ui.tsx';

interface LoopPage {
  iterations: { index: number; batchWorkflowId?: string; steps?: { id: string; status: string; error?: { code: string; message: string } }[] }[];
}

const PAGE = 20;

/** A loop's progress, and its iterations' steps a page at a time when opened (GET /runs/:id/loops/:stepId). */
export function LoopIterations({ workflowId, stepId, progress }: { workflowId: string; stepId: string; progress: { done: number; failed: number; total: number } }) {
  const [from, setFrom] = useState(0);
  const [page, setPage] = useState<LoopPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = (start: number) => {
    setFrom(start);
    api<LoopPage>(`/runs/${encodeURIComponent(workflowId)}/loops/${encodeURIComponent(stepId)}?from=${start}&limit=${PAGE}`).then(setPage, setError);
  };
  return (
    <div className="loop-progress">
      <p>
        <progress max={progress.total} value={progress.done + progress.failed} /> {progress.done} done · {progress.failed} failed · {progress.total} total
      </p>
      <details onToggle={(e) => (e.currentTarget.open && !page ? load(0) : undefined)}>
        <summary>Iterations</summary>
        <ErrorNote error={error} />
        <ol start={from + 1}>
          {page?.iterations.map((it) => (
            <li key={it.index}>
              #{it.index}{' '}
              {it.steps?.map((s) => (
                <span key={s.id}>
                  <code>{s.id}</code> <StatusBadge status={s.status} /> {s.error && `${s.error.code}: ${s.error.message}`}{' '}
                </span>
              )) ?? <span className="hint">not started</span>}
            </li>
          ))}
        </ol>
        {from > 0 && <button onClick={() => load(Math.max(0, from - PAGE))}>Previous</button>}
        {from + PAGE < progress.total && <button onClick={() => load(from + PAGE)}>Next</button>}
      </details>
    </div>
  );
}
