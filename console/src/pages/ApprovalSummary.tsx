import type { PendingApproval } from '../api.ts';

/**
 * What an approval asks: its rendered title, description and context (the step's
 * `title`, `description`, `context`), or its message for steps without a title.
 */
export function ApprovalSummary({ approval: a }: { approval: PendingApproval }) {
  return (
    <>
      {a.title && <p className="approval-title"><strong>{a.title}</strong></p>}
      {a.description && <p style={{ whiteSpace: 'pre-wrap' }}>{a.description}</p>}
      {a.message && <p>{a.message}</p>}
      {a.context && a.context.length > 0 && (
        <dl aria-label="Context">
          {a.context.map((c, i) => (
            <div key={i} style={{ display: 'contents' }}>
              <dt>{c.label}</dt>
              <dd>{c.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}
