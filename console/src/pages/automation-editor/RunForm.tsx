// "Run now" of a saved automation: its input form (from the definition's `input` JSON Schema)
// and `POST /automations/:id/runs`; the page of the started run opens.
import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type RunStarted } from '../../api.ts';
import type { Definition } from '../../flow.ts';
import { useInvalidate } from '../../queries.ts';
import { validator } from '../../validator.ts';

/** `onError`: the editor shows a refusal with its other problems (`details[].path`). */
export function RunForm({ automationId, def, onError }: { automationId: string; def: Definition; onError: (err: unknown) => void }) {
  const navigate = useNavigate();
  const invalidate = useInvalidate();
  const [runInput, setRunInput] = useState<unknown>({});
  const runNow = async () => {
    onError(null);
    try {
      const started = await api<RunStarted>(`/automations/${encodeURIComponent(automationId)}/runs`, { method: 'POST', json: { input: runInput ?? {} } });
      void invalidate('/runs');
      navigate(`/runs/${encodeURIComponent(started.workflowId)}`);
    } catch (err) {
      onError(err);
    }
  };
  const input = (def as { input?: RJSFSchema }).input;
  return (
    <section aria-labelledby="run-h" className="run-form">
      <h2 id="run-h">Run</h2>
      {input ? (
        <Form tagName="div" idPrefix="run" schema={input} formData={runInput} validator={validator} onChange={(e) => setRunInput(e.formData)} noHtml5Validate>
          <></>
        </Form>
      ) : (
        <p className="hint">This automation takes no input.</p>
      )}
      <button type="button" onClick={() => void runNow()}>
        Run now
      </button>
    </section>
  );
}
