import { ApiError, errorDetails } from './api.ts';

/** An API error as an alert, with its `details[].path` problems listed. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const details = errorDetails(error);
  return (
    <div role="alert" className="error">
      <p>{error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error)}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              <code>{d.path}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status.replace(/_/g, ' ')}</span>;
}

export const when = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString() : '');
