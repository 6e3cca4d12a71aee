import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, can, type Automation } from '../api.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, when } from '../ui.tsx';

export function Automations() {
  const session = useSession();
  const [items, setItems] = useState<Automation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: Automation[] }>('/automations')
      .then((r) => setItems(r.items))
      .catch(setError);
  }, []);
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
