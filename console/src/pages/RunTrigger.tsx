import type { RunTrigger } from '../api.ts';
import { when } from '../ui.tsx';

/** What started the run; for a webhook, the event and its payload. */
export function TriggerView({ trigger }: { trigger: RunTrigger }) {
  return (
    <section aria-labelledby="trigger-h">
      <h2 id="trigger-h">Trigger</h2>
      {trigger.type === 'webhook' ? (
        <>
          <p>
            {trigger.test ? <span className="badge">test event</span> : 'Webhook'} <code>{trigger.event.type}</code> from {trigger.event.source.connector}{' '}
            <code>{trigger.event.source.connectionId}</code>, received {when(trigger.event.receivedAt)} (delivery <code>{trigger.event.id}</code>)
          </p>
          <details open>
            <summary>Payload</summary>
            <pre aria-label="Trigger payload">{JSON.stringify(trigger.event.payload, null, 2)}</pre>
          </details>
        </>
      ) : trigger.type === 'manual' ? (
        <p>Started by hand{trigger.principal ? ` by ${trigger.principal}` : ''}.</p>
      ) : trigger.type === 'schedule' ? (
        <p>Started by its schedule{trigger.scheduledAt ? ` for ${when(trigger.scheduledAt)}` : ''}.</p>
      ) : trigger.type === 'poll' ? (
        <>
          <p>
            Started by a poll of <code>{trigger.trigger}</code> on connection <code>{trigger.connectionId}</code> for item <code>{trigger.id}</code>
            {trigger.at ? ` (${when(trigger.at)})` : ''}.
          </p>
          <details open>
            <summary>Item</summary>
            <pre aria-label="Trigger payload">{JSON.stringify(trigger.payload, null, 2)}</pre>
          </details>
        </>
      ) : (
        <p>
          Started by run <code>{trigger.parentWorkflowId}</code>.
        </p>
      )}
    </section>
  );
}
