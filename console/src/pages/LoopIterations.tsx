import { useState } from 'react';
import type { LoopIterationsPage } from '../api.ts';
import { useApi } from '../queries.ts';
import { ErrorNote, StatusBadge } from '../ui.tsx';

const PAGE = 20;

/** A loop's progress, and its iterations' steps a page at a time when opened (GET /runs/:id/loops/:stepId). */
export function LoopIterations({ workflowId, stepId, progress }: { workflowId: string; stepId: string; progress: { done: number; failed: number; total: number } }) {
  const [from, setFrom] = useState(0);
  // Loaded when the list is first opened, then a page at a time.
  const [opened, setOpened] = useState(false);
  const { data: page, error } = useApi<LoopIterationsPage>(opened ? `/runs/${encodeURIComponent(workflowId)}/loops/${encodeURIComponent(stepId)}?from=${from}&limit=${PAGE}` : null, { keepPrevious: true });
  const load = (start: number) => setFrom(start);
  return (
    <div className="loop-progress">
      <p>
        <progress max={progress.total} value={progress.done + progress.failed} /> {progress.done} done · {progress.failed} failed · {progress.total} total
      </p>
      <details onToggle={(e) => (e.currentTarget.open && !opened ? setOpened(true) : undefined)}>
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
