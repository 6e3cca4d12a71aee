// The cases of a switch step: each case's `equals` value (JSON) and adding/removing
// cases. Each case's steps are a slot of the graph; the other fields are the step form.
import { useEffect, useState } from 'react';
import type { Step } from './flow.ts';

type Case = { equals?: unknown; steps?: unknown[] };

/** One `equals` value as JSON text; kept as typed until it parses. */
function EqualsInput({ index, value, onChange }: { index: number; value: unknown; onChange: (v: unknown) => void }) {
  const shown = JSON.stringify(value ?? null);
  const [text, setText] = useState(shown);
  const [bad, setBad] = useState(false);
  useEffect(() => setText(shown), [shown]);
  return (
    <label className="field">
      case {index + 1} equals (JSON)
      <input
        aria-label={`case ${index + 1} equals`}
        aria-invalid={bad}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
    </label>
  );
}

export function SwitchCases({ step, setStep }: { step: Step; setStep: (patch: Record<string, unknown>) => void }) {
  const cases = Array.isArray(step['cases']) ? (step['cases'] as Case[]) : [];
  const setCases = (next: Case[]) => setStep({ cases: next });
  return (
    <div className="switch-cases">
      {cases.map((c, i) => (
        <EqualsInput key={i} index={i} value={c.equals} onChange={(v) => setCases(cases.map((x, j) => (j === i ? { ...x, equals: v } : x)))} />
      ))}
      <div className="toolbar">
        <span>{cases.length} cases</span>
        <button type="button" onClick={() => setCases([...cases, { equals: `case ${cases.length + 1}`, steps: [] }])}>
          Add case
        </button>
        {cases.length > 1 && (
          <button type="button" onClick={() => setCases(cases.slice(0, -1))}>
            Remove last case
          </button>
        )}
      </div>
    </div>
  );
}
