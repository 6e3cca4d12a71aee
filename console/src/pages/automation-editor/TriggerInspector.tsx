// The inspector of the trigger node: its type, and a webhook's or poll's connection and events.
import type { Connection, Connector } from '../../api.ts';
import { ConnectionSelect, PollTriggerFields } from '../PollTriggerFields.tsx';

type Trigger = Record<string, unknown>;

export function TriggerInspector({ trigger, connections, connectors, onChange }: { trigger: Trigger; connections: Connection[]; connectors: Connector[]; onChange: (trigger: Trigger) => void }) {
  const triggerConnection = connections.find((c) => c.id === trigger['connection']);
  const triggerEvents = connectors.find((c) => c.key === triggerConnection?.connector)?.triggers.flatMap((t) => t.events) ?? [];
  return (
    <>
      <h2>Trigger</h2>
      <label htmlFor="trigger-type">Type</label>
      <select id="trigger-type" value={String(trigger['type'] ?? 'manual')} onChange={(e) => onChange({ type: e.target.value })}>
        <option>manual</option>
        <option>webhook</option>
        <option>schedule</option>
        <option>poll</option>
      </select>
      {trigger['type'] === 'poll' && <PollTriggerFields trigger={trigger} connections={connections} onChange={onChange} />}
      {trigger['type'] === 'webhook' && (
        <>
          <ConnectionSelect value={trigger['connection']} connections={connections} onChange={(id) => onChange({ ...trigger, connection: id })} />
          <label htmlFor="trigger-events">Events (comma-separated patterns)</label>
          <input
            id="trigger-events"
            list="trigger-event-list"
            value={Array.isArray(trigger['events']) ? (trigger['events'] as string[]).join(', ') : ''}
            onChange={(e) =>
              onChange({
                ...trigger,
                events: e.target.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              })
            }
          />
          <datalist id="trigger-event-list">
            {triggerEvents.map((ev) => (
              <option key={ev} value={ev} />
            ))}
          </datalist>
        </>
      )}
    </>
  );
}
