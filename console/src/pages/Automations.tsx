import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, can, type Automation } from '../api.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, when } from '../ui.tsx';

export function Automations() {
  const session = useSession();
  const [items, setItems] = useState<Automation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api<{ items: Automation[] }>('/automations')
      .then((r) => setItems(r.items))
      .catch(setError);
  }, [tick]);
  const writable = can(session, 'automations:write');
  // `enabled` is a definition field: switching saves a new version with it flipped.
  const toggle = (a: Automation) =>
    api(`/automations/${encodeURIComponent(a.id)}`, { method: 'PUT', json: { ...a.definition, enabled: a.definition.enabled === false } })
      .then(() => setTick((t) => t + 1))
      .catch(setError);
  return (
    <>
      <div className="page-head">
        <h1>Automations</h1>
        {can(session, 'automations:write') && (
          <Link className="button" to="/automations/new">
            New automation
          </Link>
        )}
      </div>
      <ErrorNote error={error} />
      {items && items.length === 0 && <p>No automations yet.</p>}
      {items && items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Trigger</th>
              <th scope="col">On</th>
              <th scope="col">Version</th>
              <th scope="col">Updated</th>
              <th scope="col">Runs</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={`/automations/${encodeURIComponent(a.id)}`}>{a.name}</Link>
                </td>
                <td>{String(a.trigger['type'] ?? '')}</td>
                <td>
                  {writable ? (
                    <button type="button" role="switch" aria-checked={a.definition.enabled !== false} aria-label={`${a.name} enabled`} onClick={() => void toggle(a)}>
                      {a.definition.enabled === false ? 'Off' : 'On'}
                    </button>
                  ) : a.definition.enabled === false ? (
                    'Off'
                  ) : (
                    'On'
                  )}
                </td>
                <td>v{a.version}</td>
                <td>{when(a.updatedAt)}</td>
                <td>
                  <Link to={`/runs?automationId=${encodeURIComponent(a.id)}`}>Runs</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
