import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, can, type Automation, type AutomationList } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, when } from '../ui.tsx';

export function Automations() {
  const session = useSession();
  const { data, error } = useApi<AutomationList>('/automations');
  const items = data?.items;
  const invalidate = useInvalidate();
  const writable = can(session, 'automations:write');
  // `enabled` is a definition field: switching saves a new version with it flipped.
  const toggle = useMutation({
    mutationFn: (a: Automation) => api<Automation>(`/automations/${encodeURIComponent(a.id)}`, { method: 'PUT', json: { ...a.definition, enabled: a.definition.enabled === false } }),
    onSuccess: () => invalidate('/automations'),
  });
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
      <ErrorNote error={error ?? toggle.error} />
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
                    <button type="button" role="switch" aria-checked={a.definition.enabled !== false} aria-label={`${a.name} enabled`} onClick={() => toggle.mutate(a)}>
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
