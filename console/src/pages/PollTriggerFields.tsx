/** The fields of a `poll` trigger in the automation editor: connection, polling trigger key, interval and config (JSON). */
import { useState } from 'react';
import type { Connection } from '../api.ts';

type Trigger = Record<string, unknown>;

/** A connection chosen from the stored ones (webhook and poll triggers, action steps); `id` names the field. */
export function ConnectionSelect({ id = 'trigger-connection', value, connections, onChange }: { id?: string; value: unknown; connections: Connection[]; onChange: (id: string) => void }) {
  return (
    <>
      <label htmlFor={id}>Connection</label>
      <select id={id} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.connector})
          </option>
        ))}
      </select>
    </>
  );
}

export function PollTriggerFields({ trigger, connections, onChange }: { trigger: Trigger; connections: Connection[]; onChange: (t: Trigger) => void }) {
  const [configText, setConfigText] = useState(JSON.stringify(trigger['config'] ?? {}, null, 2));
  const [configError, setConfigError] = useState('');
  const set = (key: string, value: unknown) => onChange({ ...trigger, [key]: value === '' ? undefined : value });
  return (
    <>
      <ConnectionSelect value={trigger['connection']} connections={connections} onChange={(id) => set('connection', id)} />
      <label htmlFor="trigger-key">Polling trigger</label>
      <input id="trigger-key" placeholder="new_items" value={String(trigger['trigger'] ?? '')} onChange={(e) => set('trigger', e.target.value)} />
      <label htmlFor="trigger-interval">Interval (at least 10s; empty: the trigger's default)</label>
      <input id="trigger-interval" placeholder="5m" value={String(trigger['interval'] ?? '')} onChange={(e) => set('interval', e.target.value)} />
      <label htmlFor="trigger-config">Config (JSON, e.g. {'{ "url": "https://…/feed.xml" }'})</label>
      <textarea
        id="trigger-config"
        rows={4}
        value={configText}
        onChange={(e) => {
          setConfigText(e.target.value);
          try {
            set('config', JSON.parse(e.target.value) as unknown);
            setConfigError('');
          } catch {
            setConfigError('not valid JSON');
          }
        }}
      />
      {configError && <p className="error">{configError}</p>}
    </>
  );
}
