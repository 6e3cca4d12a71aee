import { useState } from 'react';
import { api, type Group, type GroupList } from '../api.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { ErrorNote } from '../ui.tsx';

const parseMembers = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((m) => m.trim())
    .filter(Boolean);

/** One group: its members as editable text, saved with PUT; delete. */
function GroupRow({ group, onChanged }: { group: Group; onChanged: () => void }) {
  const [members, setMembers] = useState(group.members.join(', '));
  const [error, setError] = useState<unknown>(null);
  const id = `group-${group.name}`;
  const save = async () => {
    setError(null);
    try {
      await api(`/groups/${encodeURIComponent(group.name)}`, { method: 'PUT', json: { members: parseMembers(members) } });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete group ${group.name}? Approval steps naming group:${group.name} then admit none of its members.`)) return;
    try {
      await api(`/groups/${encodeURIComponent(group.name)}`, { method: 'DELETE' });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li className="card">
      <h2>
        <code>group:{group.name}</code>
      </h2>
      <label htmlFor={id}>Members (principals, comma separated)</label>
      <input id={id} value={members} onChange={(e) => setMembers(e.target.value)} />
      <div className="actions">
        <button type="button" onClick={() => void save()}>
          Save members
        </button>
        <button type="button" className="danger" onClick={() => void remove()}>
          Delete
        </button>
      </div>
      <ErrorNote error={error} />
    </li>
  );
}

/** Groups of approvers (`/groups`, admin): approval steps name them as `group:<name>`. */
export function Groups() {
  const list = useApi<GroupList>('/groups');
  const items = list.data?.items;
  const invalidate = useInvalidate();
  const load = () => void invalidate('/groups');
  const [createError, setError] = useState<unknown>(null);
  const error = createError ?? list.error;
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const create = async () => {
    setError(null);
    try {
      await api('/groups', { method: 'POST', json: { name, members: parseMembers(members) } });
      setName('');
      setMembers('');
      load();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h1>Approver groups</h1>
      <p className="hint">
        An approval step names a group as <code>group:&lt;name&gt;</code> in its approvers. Members are looked up when someone decides, so changes apply to approvals already waiting.
      </p>
      <form className="card" onSubmit={(e) => (e.preventDefault(), void create())}>
        <label htmlFor="new-group-name">Name</label>
        <input id="new-group-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="finance" />
        <label htmlFor="new-group-members">Members (principals, comma separated)</label>
        <input id="new-group-members" value={members} onChange={(e) => setMembers(e.target.value)} placeholder="ada, grace" />
        <div className="actions">
          <button type="submit">Create group</button>
        </div>
      </form>
      <ErrorNote error={error} />
      {items && items.length === 0 && <p>No groups yet.</p>}
      <ul className="cards">
        {items?.map((g) => (
          <GroupRow key={`${g.name}/${g.updatedAt}`} group={g} onChanged={load} />
        ))}
      </ul>
    </>
  );
}
