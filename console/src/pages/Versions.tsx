import { diffLines } from 'diff';
import { useEffect, useState } from 'react';
import { stringify as toYaml } from 'yaml';
import type { AutomationVersion, AutomationVersionList } from '../api.ts';
import { useApi } from '../queries.ts';
import { ErrorNote, when } from '../ui.tsx';

/** The saved versions of an automation and a line diff (YAML) between any two. */
export function Versions({ automationId }: { automationId: string }) {
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  const base = `/automations/${encodeURIComponent(automationId)}/versions`;
  // Saving the automation invalidates it (and so this list): a new version shows up here.
  const list = useApi<AutomationVersionList>(base);
  const versions = list.data?.items ?? [];
  useEffect(() => {
    if (!list.data) return;
    setTo(list.data.items[0]?.version ?? 0);
    setFrom(list.data.items[1]?.version ?? list.data.items[0]?.version ?? 0);
  }, [list.data]);
  // A saved version never changes: its text is loaded once.
  const fromVersion = useApi<AutomationVersion>(from ? `${base}/${from}` : null, { staleTime: Infinity, keepPrevious: true });
  const toVersion = useApi<AutomationVersion>(to ? `${base}/${to}` : null, { staleTime: Infinity, keepPrevious: true });
  const texts = fromVersion.data && toVersion.data ? [toYaml(fromVersion.data.definition), toYaml(toVersion.data.definition)] : null;
  const error = list.error ?? fromVersion.error ?? toVersion.error;

  if (versions.length === 0) return null;
  const pick = (label: string, value: number, set: (v: number) => void) => (
    <label>
      {label}
      <select value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} · {when(v.createdAt)}
            {v.current ? ' (current)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="versions-h" className="versions">
      <h2 id="versions-h">Versions</h2>
      <div className="filters">
        {pick('From', from, setFrom)}
        {pick('To', to, setTo)}
      </div>
      <ErrorNote error={error} />
      {texts && (
        <pre className="diff" aria-label={`Changes from version ${from} to version ${to}`}>
          {diffLines(texts[0]!, texts[1]!).flatMap((part, i) =>
            part.value
              .replace(/\n$/, '')
              .split('\n')
              .map((line, j) => (
                <div key={`${i}-${j}`} className={part.added ? 'added' : part.removed ? 'removed' : undefined}>
                  {part.added ? '+ ' : part.removed ? '- ' : '  '}
                  {line}
                </div>
              )),
          )}
        </pre>
      )}
    </section>
  );
}
