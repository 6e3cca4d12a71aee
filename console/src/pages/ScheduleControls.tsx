import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, can, type Schedule } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, when } from '../ui.tsx';

/** ISO of a `datetime-local` input value (local time). */
const isoOf = (local: string): string => new Date(local).toISOString();

/**
 * The Temporal Schedule of a schedule or poll automation: state, **Pause** and **Resume**,
 * **Trigger now** and **Backfill** over a past range (`/automations/:id/schedule`).
 */
export function ScheduleControls({ automationId }: { automationId: string }) {
  const session = useSession();
  const path = `/automations/${encodeURIComponent(automationId)}/schedule`;
  const { data: schedule, error } = useApi<Schedule>(path, { poll: 5000 });
  const invalidate = useInvalidate();
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  // Pause, resume, trigger, backfill: the schedule (and the runs it starts) reload after each.
  const action = useMutation({
    mutationFn: ({ name, json = {} }: { name: 'pause' | 'resume' | 'trigger' | 'backfill'; json?: unknown }) => api(`${path}/${name}`, { method: 'POST', json }),
    onSuccess: () => invalidate(path, '/runs'),
  });
  const busy = action.isPending;
  const act = (name: 'pause' | 'resume' | 'trigger' | 'backfill', json?: unknown) => action.mutate({ name, json });
  const writes = can(session, 'automations:write');
  const starts = can(session, 'runs:write');
  return (
    <section aria-labelledby="schedule-h">
      <h2 id="schedule-h">Schedule</h2>
      <ErrorNote error={error ?? action.error} />
      {schedule && (
        <>
          <p>
            {schedule.paused ? <strong>Paused</strong> : 'Active'}
            {schedule.note ? ` (${schedule.note})` : ''} · overlap <code>{schedule.overlap}</code> · {schedule.runsTaken} runs so far
            {schedule.nextRuns[0] && ` · next ${when(schedule.nextRuns[0])}`}
          </p>
          <fieldset disabled={busy} className="actions">
            {writes && schedule.paused && (
              <button type="button" onClick={() => act('resume')}>
                Resume
              </button>
            )}
            {writes && !schedule.paused && (
              <button type="button" onClick={() => act('pause')}>
                Pause
              </button>
            )}
            {starts && (
              <button type="button" onClick={() => act('trigger')}>
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
              <button type="button" disabled={!start || !end} onClick={() => act('backfill', { start: isoOf(start), end: isoOf(end) })}>
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
