import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type AutomationList, type BulkCancelProgress, type RunsPage } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { ErrorNote, StatusBadge, when } from '../ui.tsx';

const STATUSES = ['running', 'waiting_approval', 'waiting_event', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'];
const PAGE_SIZE = 50;
const SINCE = { '': 'Any time', '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days' } as const;
const SINCE_MS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };

export function Runs() {
  const [params, setParams] = useSearchParams();
  const automationId = params.get('automationId') ?? '';
  const status = params.get('status') ?? '';
  const since = params.get('since') ?? '';
  const concurrencyKey = params.get('concurrencyKey') ?? '';
  const automations = useApi<AutomationList>('/automations').data?.items ?? [];
  // The cutoff is fixed when the filter is chosen: a cursor continues the query it came from.
  const sinceIso = useMemo(() => (since ? new Date(Date.now() - (SINCE_MS[since] ?? 0)).toISOString() : ''), [since]);
  const filters = new URLSearchParams({ ...(automationId ? { automationId } : {}), ...(status ? { status } : {}), ...(sinceIso ? { since: sinceIso } : {}), ...(concurrencyKey ? { concurrencyKey } : {}), limit: String(PAGE_SIZE) }).toString();
  // Cursors of the pages before the current one (the server pages; nothing is filtered here).
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors([]), [filters]);
  const cursor = cursors.at(-1);
  const query = cursor ? `${filters}&cursor=${encodeURIComponent(cursor)}` : filters;
  const { data, error } = useApi<RunsPage>(`/runs?${query}`, { poll: 3000, keepPrevious: true });
  const invalidate = useInvalidate();
  const runs = data?.items ?? [];
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  // Bulk cancel of the open runs the chosen filters find (a Temporal batch job on the server).
  const [bulk, setBulk] = useState<BulkCancelProgress | undefined>();
  const [bulkError, setBulkError] = useState<unknown>();
  const cancellable = (automationId !== '' || sinceIso !== '' || concurrencyKey !== '') && (status === '' || status === 'running' || status === 'waiting_approval');
  const cancelMatching = async () => {
    if (!window.confirm('Cancel every open run these filters find?')) return;
    setBulkError(undefined);
    try {
      const filter = { ...(automationId ? { automationId } : {}), ...(status ? { status } : {}), ...(sinceIso ? { since: sinceIso } : {}), ...(concurrencyKey ? { concurrencyKey } : {}) };
      let p = await api<BulkCancelProgress>('/runs/cancel', { method: 'POST', json: { filter } });
      setBulk(p);
      while (p.jobId && p.state === 'running') {
        await new Promise((r) => setTimeout(r, 1000));
        p = await api<BulkCancelProgress>(`/runs/cancel/${encodeURIComponent(p.jobId)}`);
        setBulk(p);
      }
      void invalidate('/runs');
    } catch (err) {
      setBulkError(err);
    }
  };
  return (
    <>
      <h1>Runs</h1>
      <div className="filters" role="group" aria-label="Filters">
        <label>
          Automation
          <select value={automationId} onChange={(e) => set('automationId', e.target.value)}>
            <option value="">All</option>
            {automations.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started
          <select value={since} onChange={(e) => set('since', e.target.value)}>
            {Object.entries(SINCE).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          Concurrency key
          <input value={concurrencyKey} placeholder="any" maxLength={200} onChange={(e) => set('concurrencyKey', e.target.value)} />
        </label>
        <span className="hint" aria-live="polite">
          Updates every 3 s
        </span>
        {cancellable && (
          <button type="button" className="danger" onClick={() => void cancelMatching()} disabled={bulk?.state === 'running'}>
            Cancel matching runs
          </button>
        )}
      </div>
      {bulk && (
        <p role="status">
          {bulk.jobId ? `${bulk.count} run(s) matched: ${bulk.done} cancelled${bulk.failed ? `, ${bulk.failed} failed` : ''} (${bulk.state})` : 'No open runs matched.'}
        </p>
      )}
      <ErrorNote error={bulkError} />
      <ErrorNote error={error} />
      {data && runs.length === 0 && <p>No runs match.</p>}
      {runs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Automation</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Closed</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.runId}>
                <td>
                  <Link to={`/runs/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link>
                </td>
                <td>
                  {automations.find((a) => a.id === r.automationId)?.name ?? r.automationId} v{r.version}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{when(r.startedAt)}</td>
                <td>{when(r.closedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!data?.nextCursor} onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}>
          Older
        </button>
      </nav>
    </>
  );
}
