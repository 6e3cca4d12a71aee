import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, can, type Connection, type EventRecord } from '../api.ts';
import { useSession } from '../session.tsx';
import { usePoll } from '../usePoll.ts';
import { ErrorNote, StatusBadge, when } from '../ui.tsx';

/** Redeliveries start runs `run:<automationId>:redeliver-<n>:<event id>`. */
const isRedelivery = (workflowId: string): boolean => /^run:[^:]+:redeliver-/.test(workflowId);

function useConnections(): Connection[] {
  const session = useSession();
  const [items, setItems] = useState<Connection[]>([]);
  useEffect(() => {
    if (can(session, 'connections:read'))
      api<{ items: Connection[] }>('/connections')
        .then((r) => setItems(r.items))
        .catch(() => undefined);
  }, []);
  return items;
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
  const { data, error } = usePoll(() => api<{ items: EventRecord[] }>(`/events?${query}`), 5000, [query]);
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
                    {e.disabledAutomations?.length ? 'automation disabled' : e.collectingAutomations?.length && e.runs.length === 0 ? 'debounced / batched' : e.noSubscriber ? 'no subscriber' : `${e.runs.length} run${e.runs.length === 1 ? '' : 's'}`}
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
  const [notice, setNotice] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { data: event, error, reload } = usePoll(() => api<EventRecord>(`/events/${encodeURIComponent(id)}`), 5000, [id]);
  const redeliver = async () => {
    setBusy(true);
    setNotice('');
    setActionError(null);
    try {
      const r = await api<{ runs: unknown[] }>(`/events/${encodeURIComponent(id)}/redeliver`, { method: 'POST', json: {} });
      setNotice(r.runs.length ? `Redelivered: ${r.runs.length} run${r.runs.length === 1 ? '' : 's'} started` : 'Redelivered: no automation subscribes to it today');
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };
  const connection = event && connections.find((c) => c.id === event.connectionId);
  return (
    <>
      <div className="page-head">
        <h1>Event {event ? <EventType event={event} /> : null}</h1>
        {can(session, 'runs:write') && (
          <button type="button" disabled={!event || busy} onClick={() => void redeliver()}>
            Redeliver
          </button>
        )}
      </div>
      <ErrorNote error={error ?? actionError} />
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
