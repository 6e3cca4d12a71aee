import { Link } from 'react-router';
import { can, type ConnectionList } from '../api.ts';
import { useApi } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote } from '../ui.tsx';

export function Connections() {
  const session = useSession();
  const { data, error } = useApi<ConnectionList>('/connections');
  const items = data?.items;
  return (
    <>
      <div className="page-head">
        <h1>Connections</h1>
        {can(session, 'connections:write') && (
          <Link className="button" to="/connections/new">
            New connection
          </Link>
        )}
      </div>
      <ErrorNote error={error} />
      {items && items.length === 0 && <p>No connections yet.</p>}
      {items && items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Connector</th>
              <th scope="col">Secrets</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/connections/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                </td>
                <td>{c.connector}</td>
                <td>{c.secretFields.length ? c.secretFields.join(', ') + ' set' : 'none set'}</td>
                <td>{new Date(c.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
