import { useState, type FormEvent } from 'react';
import { api, type PrincipalList, type PrincipalProfile as Profile } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { ErrorNote } from '../ui.tsx';

/** Principals' email and Slack user, for Slack and email approvals (scope admin). */
export function People() {
  const list = useApi<PrincipalList>('/principals');
  const items = list.data?.items;
  const invalidate = useInvalidate();
  const [saveError, setError] = useState<unknown>(null);
  const error = saveError ?? list.error;
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [slackUserId, setSlackUserId] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    try {
      await api<Profile>(`/principals/${encodeURIComponent(name.trim())}`, { method: 'PUT', json: { email: email.trim() || null, slackUserId: slackUserId.trim() || null } });
      setSaved(name.trim());
      void invalidate('/principals');
    } catch (err) {
      setError(err);
    }
  };
  const edit = (p: Profile) => {
    setName(p.name);
    setEmail(p.email ?? '');
    setSlackUserId(p.slackUserId ?? '');
  };
  return (
    <>
      <h1>People</h1>
      <p>How approvers are reached: approval emails go to the email, and Slack button clicks of the Slack user decide as the principal.</p>
      <ErrorNote error={error} />
      {items && items.length === 0 && <p>No one yet.</p>}
      {items && items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Principal</th>
              <th scope="col">Email</th>
              <th scope="col">Slack user</th>
              <th scope="col">
                <span className="sr-only">Edit</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>{p.email ?? '—'}</td>
                <td>{p.slackUserId ?? '—'}</td>
                <td>
                  <button className="link" onClick={() => edit(p)}>
                    Edit {p.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(e) => void save(e)}>
        <h2>Set a principal</h2>
        <label htmlFor="person-name">Principal</label>
        <input id="person-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="person-email">Email</label>
        <input id="person-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="person-slack">Slack user id</label>
        <input id="person-slack" placeholder="U024BE7LH" value={slackUserId} onChange={(e) => setSlackUserId(e.target.value)} />
        <button type="submit">Save</button>
        {saved && <p role="status">Saved {saved}.</p>}
      </form>
    </>
  );
}
