import { diffLines } from 'diff';
import { useEffect, useState } from 'react';
import { stringify as toYaml } from 'yaml';
import { api } from '../api.ts';
import { ErrorNote, when } from '../ui.tsx';

interface VersionSummary {
  version: number;
  name: string;
  current: boolean;
  createdAt: string;
}

/** The saved versions of an automation and a line diff (YAML) between any two. */
export function Versions({ automationId, latest }: { automationId: string; latest: number }) {
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  const [texts, setTexts] = useState<[string, string] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const base = `/automations/${encodeURIComponent(automationId)}/versions`;

  useEffect(() => {
    api<{ items: VersionSummary[] }>(base).then((r) => {
      setVersions(r.items);
      setTo(r.items[0]?.version ?? 0);
      setFrom(r.items[1]?.version ?? r.items[0]?.version ?? 0);
    }, setError);
  }, [base, latest]);
  useEffect(() => {
    if (!from || !to) return;
    const text = (v: number) => api<{ definition: unknown }>(`${base}/${v}`).then((r) => toYaml(r.definition));
    Promise.all([text(from), text(to)]).then(setTexts, setError);
  }, [base, from, to]);

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
          {diffLines(texts[0], texts[1]).flatMap((part, i) =>
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
