import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, can, type Connection, type ConnectionList, type EventList, type EventRecord, type Redelivery } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, StatusBadge, when } from '../ui.tsx';

/** Redeliveries start runs `run:<automationId>:redeliver-<n>:<event id>`. */
const isRedelivery = (workflowId: string): boolean => /^run:[^:]+:redeliver-/.test(workflowId);

function useConnections(): Connection[] {
  const session = useSession();
  return useApi<ConnectionList>('/connections', { enabled: can(session, 'connections:read') }).data?.items ?? [];
}

function EventType({ event }: { event: EventRecord }) {
  return (
    <>
      <code>{event.type}</code>
      {event.unparsed && <span className="badge status-failed">unparsed</span>}
    </>
  );
}

export function Events() {
  const [params, setParams] = useSearchParams();
  const connections = useConnections();
  // The filters live in the URL, but the inputs follow local state: router navigations are
  // transitions, and a controlled checkbox or text field must change on the event itself.
  const [filters, setFilters] = useState(() => ({ connectionId: params.get('connectionId') ?? '', type: params.get('type') ?? '', unparsed: params.get('unparsed') ?? '' }));
  const { connectionId, type } = filters;
  const unparsed = filters.unparsed === 'true';
  const query = new URLSearchParams({ limit: '100', ...(connectionId ? { connectionId } : {}), ...(type.trim() ? { type: type.trim() } : {}), ...(unparsed ? { unparsed: 'true' } : {}) }).toString();
  const { data, error } = useApi<EventList>(`/events?${query}`, { poll: 5000, keepPrevious: true });
  const set = (key: keyof typeof filters, value: string) => {
    setFilters((f) => ({ ...f, [key]: value }));
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const connectionName = (id: string) => connections.find((c) => c.id === id)?.name ?? id;
  return (
    <>
      <h1>Events</h1>
      <p className="hint">Recent webhook deliveries and the runs each started.</p>
      <div className="filters" role="group" aria-label="Filters">
        <label>
          Connection
          <select value={connectionId} onChange={(e) => set('connectionId', e.target.value)}>
            <option value="">All</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.connector})
              </option>
            ))}
          </select>
        </label>
        <label>
          Event type
          <input value={type} placeholder="e.g. github.issues.opened" onChange={(e) => set('type', e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={unparsed} onChange={(e) => set('unparsed', e.target.checked ? 'true' : '')} />
          Unparsed only
        </label>
        <span className="hint" aria-live="polite">
          Updates every 5 s
        </span>
      </div>
      <ErrorNote error={error} />
      {data && data.items.length === 0 && <p>No deliveries match.</p>}
      {data && data.items.length > 0 && (
        <table className="events">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Connector</th>
              <th scope="col">Connection</th>
              <th scope="col">Received</th>
              <th scope="col">Runs</th>
              <th scope="col">Duplicates</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((e) => {
              const redeliveries = e.runs.filter((r) => isRedelivery(r.workflowId)).length;
              return (
                <tr key={e.id} className={e.unparsed ? 'unparsed' : ''}>
                  <td>
                    <Link to={`/events/${encodeURIComponent(e.id)}`} aria-label={`${e.type} ${e.deliveryId}`}>
                      <EventType event={e} />
                    </Link>
                  </td>
                  <td>{e.connector}</td>
                  <td>{connectionName(e.connectionId)}</td>
                  <td>{when(e.receivedAt)}</td>
                  <td>
                    {e.disabledAutomations?.length
                      ? 'automation disabled'
                      : e.collectingAutomations?.length && e.runs.length === 0
                        ? 'debounced / batched'
                        : e.resumed?.length && e.runs.length === 0
                          ? `resumed ${e.resumed.length} waiting run${e.resumed.length === 1 ? '' : 's'}`
                          : e.noSubscriber
                            ? 'no subscriber'
                            : `${e.runs.length} run${e.runs.length === 1 ? '' : 's'}`}
                    {redeliveries > 0 && ` (${redeliveries} redelivered)`}
                  </td>
                  <td className="num" data-testid={`duplicates-${e.deliveryId}`}>
                    {e.duplicates ?? 0}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

export function EventPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const connections = useConnections();
  const path = `/events/${encodeURIComponent(id)}`;
  const { data: event, error } = useApi<EventRecord>(path, { poll: 5000 });
  const invalidate = useInvalidate();
  const redeliver = useMutation({
    mutationFn: () => api<Redelivery>(`${path}/redeliver`, { method: 'POST', json: {} }),
    onSuccess: () => invalidate('/events', '/runs'),
  });
  const runs = redeliver.data?.runs;
  const notice = !runs ? '' : runs.length ? `Redelivered: ${runs.length} run${runs.length === 1 ? '' : 's'} started` : 'Redelivered: no automation subscribes to it today';
  const connection = event && connections.find((c) => c.id === event.connectionId);
  return (
    <>
      <div className="page-head">
        <h1>Event {event ? <EventType event={event} /> : null}</h1>
        {can(session, 'runs:write') && (
          <button type="button" disabled={!event || redeliver.isPending} onClick={() => redeliver.mutate()}>
            Redeliver
          </button>
        )}
      </div>
      <ErrorNote error={error ?? redeliver.error} />
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      {event && (
        <>
          {event.unparsed && (
            <p className="error" role="note">
              The body of this delivery could not be parsed; the raw body is kept below.
            </p>
          )}
          <dl className="facts">
            <dt>Delivery</dt>
            <dd>
              <code>{event.deliveryId}</code>
            </dd>
            <dt>Connector</dt>
            <dd>{event.connector}</dd>
            <dt>Connection</dt>
            <dd>{connection ? <Link to={`/connections/${encodeURIComponent(connection.id)}`}>{connection.name}</Link> : <code>{event.connectionId}</code>}</dd>
            <dt>Received</dt>
            <dd>{when(event.receivedAt)}</dd>
            <dt>Duplicates</dt>
            <dd data-testid="event-duplicates">
              {event.duplicates ? `${event.duplicates} (delivered again with the same id, answered with the same ids)` : 'none'}
            </dd>
          </dl>
          <section aria-labelledby="event-runs-h">
            <h2 id="event-runs-h">Runs it started</h2>
            {event.runs.length === 0 ? (
              <p>No automation subscribed to it{event.noSubscriber ? ' when it arrived' : ''}.</p>
            ) : (
              <ul className="event-runs">
                {event.runs.map((r) => (
                  <li key={r.workflowId}>
                    <Link to={`/runs/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link> <StatusBadge status={r.status} /> {isRedelivery(r.workflowId) ? 'redelivery, ' : ''}
                    {when(r.startedAt)}
                  </li>
                ))}
              </ul>
            )}
          </section>
          {event.resumed?.length ? (
            <section aria-labelledby="event-resumed-h">
              <h2 id="event-resumed-h">Waiting runs it resumed</h2>
              <ul className="event-runs">
                {event.resumed.map((id) => (
                  <li key={id}>
                    <Link to={`/runs/${encodeURIComponent(id)}`}>{id}</Link>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section aria-labelledby="event-payload-h">
            <h2 id="event-payload-h">Payload</h2>
            <pre aria-label="Event payload" tabIndex={0}>
              {JSON.stringify(event.payload, null, 2)}
            </pre>
          </section>
        </>
      )}
    </>
  );
}
