import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type TestEventStarted } from '../api.ts';
import { ErrorNote } from '../ui.tsx';

/**
 * **Send test event** for a webhook automation: a sample payload (editable JSON) and an
 * event type, sent to `POST /automations/:id/test-event`; the run it starts is a
 * webhook run marked `test`. Errors (type outside the trigger's patterns, filter false)
 * come back at their paths.
 */
export function TestEvent({ automationId, trigger }: { automationId: string; trigger: { connection?: string; events?: string[] } }) {
  const navigate = useNavigate();
  const events = trigger.events ?? [];
  const [type, setType] = useState(events.find((p) => !p.includes('*')) ?? '');
  const [payload, setPayload] = useState('{\n  \n}');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setError(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (err) {
      setError(new Error(`The payload is not JSON: ${(err as Error).message}`));
      return;
    }
    setBusy(true);
    try {
      const started = await api<TestEventStarted>(`/automations/${encodeURIComponent(automationId)}/test-event`, {
        method: 'POST',
        json: { payload: parsed, ...(type.trim() ? { type: type.trim() } : {}) },
      });
      navigate(`/runs/${encodeURIComponent(started.workflowId)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="test-event-h" className="run-form">
      <h2 id="test-event-h">Send test event</h2>
      <p className="hint">
        Starts a run as a delivery on <code>{trigger.connection}</code> would, marked <em>test</em>; the trigger&apos;s
        event patterns ({events.join(', ')}) and filter must accept it. No signature is checked.
      </p>
      <fieldset disabled={busy}>
        <label htmlFor="test-event-type">Event type</label>
        <input id="test-event-type" value={type} onChange={(e) => setType(e.target.value)} placeholder={events[0]} />
        <label htmlFor="test-event-payload">Sample payload (JSON)</label>
        <textarea id="test-event-payload" rows={8} spellCheck={false} className="code" value={payload} onChange={(e) => setPayload(e.target.value)} />
        <div className="actions">
          <button type="button" onClick={() => void send()}>
            Send test event
          </button>
        </div>
      </fieldset>
      <ErrorNote error={error} />
    </section>
  );
}
