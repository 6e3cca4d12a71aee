import { useState } from 'react';
import { Link } from 'react-router';
import { api, can } from '../api.ts';
import { useSession } from '../session.tsx';
import { usePoll } from '../usePoll.ts';
import { ErrorNote, when } from '../ui.tsx';

interface ScheduleState {
  paused: boolean;
  note?: string;
  overlap: string;
  trigger: 'schedule' | 'poll';
  nextRuns: string[];
  recentRuns: { workflowId: string; scheduledAt: string }[];
  runsTaken: number;
}

/** ISO of a `datetime-local` input value (local time). */
const isoOf = (local: string): string => new Date(local).toISOString();

/**
 * The Temporal Schedule of a schedule or poll automation: state, **Pause** and **Resume**,
 * **Trigger now** and **Backfill** over a past range (`/automations/:id/schedule`).
 */
export function ScheduleControls({ automationId }: { automationId: string }) {
  const session = useSession();
  const path = `/automations/${encodeURIComponent(automationId)}/schedule`;
  const { data: schedule, error, reload } = usePoll(() => api<ScheduleState>(path), 5000, [path]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const act = async (action: string, json: unknown = {}) => {
    setActionError(null);
    setBusy(true);
    try {
      await api(`${path}/${action}`, { method: 'POST', json });
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };
  const writes = can(session, 'automations:write');
  const starts = can(session, 'runs:write');
  return (
    <section aria-labelledby="schedule-h">
      <h2 id="schedule-h">Schedule</h2>
      <ErrorNote error={error ?? actionError} />
      {schedule && (
        <>
          <p>
            {schedule.paused ? <strong>Paused</strong> : 'Active'}
            {schedule.note ? ` (${schedule.note})` : ''} · overlap <code>{schedule.overlap}</code> · {schedule.runsTaken} runs so far
            {schedule.nextRuns[0] && ` · next ${when(schedule.nextRuns[0])}`}
          </p>
          <fieldset disabled={busy} className="actions">
            {writes && schedule.paused && (
              <button type="button" onClick={() => void act('resume')}>
                Resume
              </button>
            )}
            {writes && !schedule.paused && (
              <button type="button" onClick={() => void act('pause')}>
                Pause
              </button>
            )}
            {starts && (
              <button type="button" onClick={() => void act('trigger')}>
                Trigger now
              </button>
            )}
          </fieldset>
          {starts && schedule.trigger === 'schedule' && (
            <fieldset disabled={busy}>
              <legend>Backfill (a past range, at most 31 days)</legend>
              <label htmlFor="backfill-start">From</label>
              <input id="backfill-start" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
              <label htmlFor="backfill-end">Until</label>
              <input id="backfill-end" type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
              <button type="button" disabled={!start || !end} onClick={() => void act('backfill', { start: isoOf(start), end: isoOf(end) })}>
                Backfill
              </button>
            </fieldset>
          )}
          {schedule.recentRuns.length > 0 && (
            <ul>
              {schedule.recentRuns.map((r) => (
                <li key={r.workflowId}>
                  <Link to={`/runs/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link> (due {when(r.scheduledAt)})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
