// The inspector of a step node: its id; an action step's connection, action and input form (from
// the action's JSON Schema); a parallel step's branches, a switch's cases; the rest of its fields
// from its step type's schema (GET /automations/step-schemas).
import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import type { Connection, Connector } from '../../api.ts';
import { nestedLists, type Step } from '../../flow.ts';
import { StepForm, useStepSchemas } from '../../StepForm.tsx';
import { SwitchCases } from '../../SwitchCases.tsx';
import { validator } from '../../validator.ts';
import { ConnectionSelect } from '../PollTriggerFields.tsx';

export function StepInspector({
  step,
  nodeId,
  connections,
  connectors,
  setStep,
  onRemove,
}: {
  step: Step;
  /** The node's id (its path in the definition): forms start afresh for another node. */
  nodeId: string;
  connections: Connection[];
  connectors: Connector[];
  setStep: (patch: Record<string, unknown>) => void;
  onRemove: () => void;
}) {
  const stepSchemas = useStepSchemas();
  const stepConnection = typeof step['connection'] === 'string' ? connections.find((c) => c.id === step['connection']) : undefined;
  const stepConnector = stepConnection && connectors.find((c) => c.key === stepConnection.connector);
  const stepAction = stepConnector?.actions.find((a) => a.key === step['action']);
  return (
    <>
      <h2>
        Step <code>{step.id}</code> ({step.type})
      </h2>
      <label htmlFor="step-id">Id</label>
      <input id="step-id" value={step.id} onChange={(e) => setStep({ id: e.target.value })} />
      {step.type === 'action' && (
        <>
          <ConnectionSelect id="step-connection" value={step['connection']} connections={connections} onChange={(connection) => setStep({ connection, action: '', input: {} })} />
          <label htmlFor="step-action">Action</label>
          <select id="step-action" value={String(step['action'] ?? '')} onChange={(e) => setStep({ action: e.target.value, input: {} })}>
            <option value="">Choose…</option>
            {stepConnector?.actions.map((a) => (
              <option key={a.key} value={a.key}>
                {a.key}
              </option>
            ))}
          </select>
          {stepAction && (
            <Form
              key={`${nodeId}-${stepAction.key}`}
              tagName="div"
              idPrefix="input"
              schema={stepAction.inputSchema as RJSFSchema}
              formData={step['input'] ?? {}}
              validator={validator}
              onChange={(e) => setStep({ input: e.formData })}
              noHtml5Validate
            >
              <></>
            </Form>
          )}
        </>
      )}
      {step.type === 'parallel' && (
        <div className="toolbar">
          <span>{nestedLists(step).length} branches</span>
          <button type="button" onClick={() => setStep({ branches: [...(Array.isArray(step['branches']) ? (step['branches'] as unknown[]) : []), []] })}>
            Add branch
          </button>
          {nestedLists(step).length > 1 && (
            <button type="button" onClick={() => setStep({ branches: (step['branches'] as unknown[]).slice(0, -1) })}>
              Remove last branch
            </button>
          )}
        </div>
      )}
      {step.type === 'switch' && <SwitchCases step={step} setStep={setStep} />}
      {stepSchemas?.[step.type] ? (
        <StepForm step={step} schema={stepSchemas[step.type]!} formKey={`${nodeId}-${step.type}`} onChange={setStep} />
      ) : (
        <p className="hint">{stepSchemas ? `Unknown step type "${step.type}": edit it in the text view.` : 'Loading the step form…'}</p>
      )}
      <button type="button" className="danger" onClick={onRemove}>
        Remove step
      </button>
    </>
  );
}
