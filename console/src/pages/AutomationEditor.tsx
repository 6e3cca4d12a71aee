import { json } from '@codemirror/lang-json';
import { yaml as yamlLang } from '@codemirror/lang-yaml';
import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import CodeMirror from '@uiw/react-codemirror';
import { Background, Controls, Handle, Position, ReactFlow, useReactFlow, type Connection as FlowConnection, type NodeChange, type NodeProps, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { api, can, errorDetails, normalisePath, type Automation, type Connection, type Connector } from '../api.ts';
import { connect, ensureListAt, listAt, nestedLists, SLOT, splitStepPath, STEP_TEMPLATES, stepAt, stepIds, toGraph, type Definition, type StepNodeData } from '../flow.ts';
import { useSession } from '../session.tsx';
import { ErrorNote } from '../ui.tsx';
import { validator } from '../validator.ts';
import { StepForm, useStepSchemas } from '../StepForm.tsx';
import { SwitchCases } from '../SwitchCases.tsx';
import { ConnectionSelect, PollTriggerFields } from './PollTriggerFields.tsx';
import { TestEvent } from './TestEvent.tsx';
import { ScheduleControls } from './ScheduleControls.tsx';
import { Versions } from './Versions.tsx';

const NEW_DEFINITION: Definition = { name: 'New automation', trigger: { type: 'manual' }, steps: [] };

function StepNode({ data, selected }: NodeProps<Node<StepNodeData>>) {
  return (
    <div
      className={`flow-node${selected ? ' selected' : ''}${data.invalid ? ' invalid' : ''}`}
      data-testid={`node-${data.label}`}
      title={data.problems.join('\n') || undefined}
    >
      <Handle type="target" position={Position.Top} />
      <span className="kind">{data.kind}</span>
      <strong>{data.label}</strong>
      {data.invalid && <span className="sr-only"> (has problems)</span>}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}
/** Where a nested list (then, else, a parallel branch) starts: select it to add steps into it. */
function SlotNode({ data, selected }: NodeProps<Node<StepNodeData>>) {
  return (
    <div className={`flow-slot${selected ? ' selected' : ''}`} data-testid={`slot-${data.path}`}>
      <Handle type="target" position={Position.Top} />
      {data.label}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}
const nodeTypes = { step: StepNode, slot: SlotNode };

/** Re-fits the view when nodes come or go (once React Flow has measured them). */
function FitOnChange({ count }: { count: number }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    const timer = window.setTimeout(() => void fitView({ maxZoom: 1 }), 50);
    return () => window.clearTimeout(timer);
  }, [count]);
  return null;
}

/** Problems as the definition would have them saved: `POST /automations/validate`, debounced. */
function useValidation(def: Definition, automationId: string | undefined, enabled: boolean): { path: string; message: string }[] {
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const timer = window.setTimeout(() => {
      const query = automationId ? `?automationId=${encodeURIComponent(automationId)}` : '';
      api<{ valid: boolean; errors: { path: string; message: string }[] }>(`/automations/validate${query}`, { method: 'POST', json: def })
        .then((r) => live && setProblems(r.errors))
        .catch(() => undefined);
    }, 400);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [def, automationId, enabled]);
  return problems;
}

/** Whether the narrow (phone) layout applies; the graph re-fits when it changes. */
function useNarrow(): boolean {
  const query = '(max-width: 700px)';
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setNarrow(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, []);
  return narrow;
}

export function AutomationEditor() {
  const narrow = useNarrow();
  const { id } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const writable = can(session, 'automations:write');
  const [saved, setSaved] = useState<Automation | null>(null);
  const [def, setDef] = useState<Definition>(NEW_DEFINITION);
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const [text, setText] = useState('');
  const [textError, setTextError] = useState('');
  const fromText = useRef(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [connections, setConnections] = useState<Connection[]>([]);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [newType, setNewType] = useState('action');
  const [runInput, setRunInput] = useState<unknown>({});
  const stepSchemas = useStepSchemas();
  // Measured node sizes, handed back with the nodes: nodes are rebuilt on every change, and
  // one without `measured` stays hidden until React Flow happens to measure it again.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});
  const onNodesChange = (changes: NodeChange<Node<StepNodeData>>[]) => {
    const measured = changes.flatMap((c) => (c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : []));
    if (measured.length) setSizes((prev) => ({ ...prev, ...Object.fromEntries(measured) }));
  };

  useEffect(() => {
    api<{ items: Connection[] }>('/connections').then((r) => setConnections(r.items), setError);
    api<{ items: Connector[] }>('/connectors').then((r) => setConnectors(r.items), setError);
    if (id)
      api<Automation>(`/automations/${encodeURIComponent(id)}`).then((a) => {
        setSaved(a);
        setDef(a.definition as Definition);
      }, setError);
  }, [id]);

  // Graph edits re-render the text; text edits (already parsed) leave it as typed.
  useEffect(() => {
    if (fromText.current) {
      fromText.current = false;
      return;
    }
    setText(format === 'yaml' ? toYaml(def) : JSON.stringify(def, null, 2));
    setTextError('');
  }, [def, format]);

  const problems = useValidation(def, saved?.id, can(session, 'automations:read'));
  const saveProblems = errorDetails(error).map((d) => ({ path: d.path.replace(/^body\./, '').replace(/^definition\./, ''), message: d.message }));
  const allProblems = [...problems, ...saveProblems.filter((d) => !problems.some((p) => p.path === d.path && p.message === d.message))].map((p) => ({ ...p, path: normalisePath(p.path) }));
  const problemKey = allProblems.map((p) => `${p.path}|${p.message}`).join('\n');
  const graph = useMemo(() => toGraph(def, allProblems), [def, problemKey]);

  const onText = (value: string) => {
    setText(value);
    try {
      const parsed = (format === 'yaml' ? parseYaml(value) : JSON.parse(value)) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('The definition must be an object');
      fromText.current = true;
      setDef(parsed as Definition);
      setTextError('');
    } catch (err) {
      setTextError((err as Error).message);
    }
  };
  const update = (fn: (d: Definition) => void) => {
    const copy = structuredClone(def);
    fn(copy);
    setDef(copy);
  };
  // "Add step" puts the step into the selected slot's list, right after the selected step, or at the end.
  const target: { list: string; index?: number } =
    selected?.startsWith(SLOT) ? { list: selected.slice(SLOT.length) } : selected && selected !== '__trigger' && stepAt(def, selected) ? { list: splitStepPath(selected)[0], index: splitStepPath(selected)[1] + 1 } : { list: 'steps' };
  const targetLabel = (() => {
    if (selected?.startsWith(SLOT)) {
      const node = graph.nodes.find((n) => n.id === selected);
      return `into ${node?.data.label ?? target.list} of ${node?.data.parent ?? '?'}`;
    }
    if (target.index !== undefined) return `after ${stepAt(def, selected!)?.id ?? selected}`;
    return 'at the end';
  })();
  const addStep = () =>
    update((d) => {
      if (!Array.isArray(d.steps)) d.steps = [];
      const list = ensureListAt(d, target.list) ?? d.steps;
      const taken = stepIds(d);
      let n = 1;
      while (taken.has(`${newType}${n}`)) n++;
      const index = target.index ?? list.length;
      list.splice(index, 0, STEP_TEMPLATES[newType]!(`${newType}${n}`));
      setSelected(`${list === d.steps ? 'steps' : target.list}.${index}`);
    });
  const onConnect = (c: FlowConnection) => {
    const next = connect(def, c.source, c.target);
    if (next) setDef(next);
    else setNotice('Draw from a step (or a slot) to the step to move after it; a step cannot move into itself.');
  };
  const save = async () => {
    setError(null);
    setNotice('');
    try {
      const result = saved
        ? await api<Automation>(`/automations/${encodeURIComponent(saved.id)}`, { method: 'PUT', json: def })
        : await api<Automation>('/automations', { method: 'POST', json: def });
      setSaved(result);
      setNotice(`Saved version ${result.version}`);
      if (!saved) navigate(`/automations/${encodeURIComponent(result.id)}`, { replace: true });
    } catch (err) {
      setError(err);
    }
  };
  const runNow = async () => {
    if (!saved) return;
    setError(null);
    try {
      const started = await api<{ workflowId: string }>(`/automations/${encodeURIComponent(saved.id)}/runs`, { method: 'POST', json: { input: runInput ?? {} } });
      navigate(`/runs/${encodeURIComponent(started.workflowId)}`);
    } catch (err) {
      setError(err);
    }
  };

  const step = selected && selected !== '__trigger' && !selected.startsWith(SLOT) ? stepAt(def, selected) : undefined;
  const selectedProblems = selected ? (graph.nodes.find((n) => n.id === selected)?.data.problems ?? []) : [];
  const setStep = (patch: Record<string, unknown>) =>
    update((d) => {
      const s = stepAt(d, selected!);
      if (s) for (const [k, v] of Object.entries(patch)) if (v === undefined) delete s[k];
      else s[k] = v;
    });
  const removeStep = () =>
    update((d) => {
      const i = selected!.lastIndexOf('.');
      listAt(d, selected!.slice(0, i))?.splice(Number(selected!.slice(i + 1)), 1);
      setSelected(null);
    });
  const stepConnection = step && typeof step['connection'] === 'string' ? connections.find((c) => c.id === step['connection']) : undefined;
  const stepConnector = stepConnection && connectors.find((c) => c.key === stepConnection.connector);
  const stepAction = stepConnector?.actions.find((a) => a.key === step?.['action']);
  const trigger = def.trigger ?? {};
  const triggerConnection = connections.find((c) => c.id === trigger['connection']);
  const triggerEvents = connectors.find((c) => c.key === triggerConnection?.connector)?.triggers.flatMap((t) => t.events) ?? [];

  return (
    <>
      <div className="page-head">
        <h1>{saved ? saved.name : 'New automation'}</h1>
        {saved && <span className="hint">version {saved.version}</span>}
      </div>
      <div className="toolbar" role="toolbar" aria-label="Automation">
        <label>
          Name
          <input value={def.name ?? ''} onChange={(e) => update((d) => void (d.name = e.target.value))} />
        </label>
        <label>
          Step type
          <select value={newType} onChange={(e) => setNewType(e.target.value)}>
            {Object.keys(STEP_TEMPLATES).map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={addStep} aria-describedby="add-target">
          Add step
        </button>
        <span id="add-target" className="hint">
          Adds {targetLabel}
        </span>
        {writable && (
          <button type="button" onClick={() => void save()}>
            Save
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      {allProblems.length > 0 && (
        <section className="problems" aria-label="Problems" aria-live="polite">
          <h2>Problems ({allProblems.length})</h2>
          <ul>
            {allProblems.map((p, i) => {
              const node = graph.nodes.find((n) => n.data.problems.includes(`${p.path}: ${p.message}`));
              return (
                <li key={i}>
                  {node ? (
                    <button type="button" className="link" onClick={() => setSelected(node.id)}>
                      <code>{p.path || '(root)'}</code>
                    </button>
                  ) : (
                    <code>{p.path || '(root)'}</code>
                  )}
                  : {p.message}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <div className="automation-editor">
        <section className="graph" aria-label="Graph view">
          <ReactFlow
            key={narrow ? 'narrow' : 'wide'}
            nodes={graph.nodes.map((n) => ({ ...n, selected: n.id === selected, ...(sizes[n.id] ? { measured: sizes[n.id] } : {}) }))}
            onNodesChange={onNodesChange}
            edges={graph.edges}
            nodeTypes={nodeTypes}
            onNodeClick={(_e, n) => setSelected(n.id)}
            onConnect={onConnect}
            fitView
            fitViewOptions={{ maxZoom: 1 }}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
            <FitOnChange count={graph.nodes.length} />
          </ReactFlow>
        </section>
        <section className="inspector" aria-label="Selected step">
          {/* The keyboard and screen-reader way to pick a node of the graph. */}
          <label htmlFor="node-select">Configure</label>
          <select id="node-select" value={selected ?? ''} onChange={(e) => setSelected(e.target.value || null)}>
            <option value="">Choose a node…</option>
            {graph.nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.data.kind === 'slot' ? `${n.data.parent} → ${n.data.label}` : `${n.data.label} (${n.data.kind})`}
              </option>
            ))}
          </select>
          {selectedProblems.length > 0 && (
            <ul className="node-problems" aria-label="Problems of this node">
              {selectedProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {selected?.startsWith(SLOT) && <p className="hint">Choose a step type and press Add step to add a step {targetLabel}.</p>}
          {selected === '__trigger' && (
            <>
              <h2>Trigger</h2>
              <label htmlFor="trigger-type">Type</label>
              <select id="trigger-type" value={String(trigger['type'] ?? 'manual')} onChange={(e) => update((d) => void (d.trigger = { type: e.target.value }))}>
                <option>manual</option>
                <option>webhook</option>
                <option>schedule</option>
                <option>poll</option>
              </select>
              {trigger['type'] === 'poll' && <PollTriggerFields trigger={trigger} connections={connections} onChange={(t) => update((d) => void (d.trigger = t))} />}
              {trigger['type'] === 'webhook' && (
                <>
                  <ConnectionSelect value={trigger['connection']} connections={connections} onChange={(id) => update((d) => void (d.trigger = { ...d.trigger, connection: id }))} />
                  <label htmlFor="trigger-events">Events (comma-separated patterns)</label>
                  <input
                    id="trigger-events"
                    list="trigger-event-list"
                    value={Array.isArray(trigger['events']) ? (trigger['events'] as string[]).join(', ') : ''}
                    onChange={(e) => update((d) => void (d.trigger = { ...d.trigger, events: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) }))}
                  />
                  <datalist id="trigger-event-list">
                    {triggerEvents.map((ev) => (
                      <option key={ev} value={ev} />
                    ))}
                  </datalist>
                </>
              )}
            </>
          )}
          {step && (
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
                      key={`${selected}-${stepAction.key}`}
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
                <StepForm step={step} schema={stepSchemas[step.type]!} formKey={`${selected}-${step.type}`} onChange={setStep} />
              ) : (
                <p className="hint">{stepSchemas ? `Unknown step type "${step.type}": edit it in the text view.` : 'Loading the step form…'}</p>
              )}
              <button type="button" className="danger" onClick={removeStep}>
                Remove step
              </button>
            </>
          )}
          {!selected && <p className="hint">Select a node to configure it; drag from a node's bottom handle to another node to connect them.</p>}
        </section>
        <section className="text" aria-label="Text view">
          <div className="toolbar">
            <span>Definition</span>
            <button type="button" aria-pressed={format === 'yaml'} onClick={() => setFormat('yaml')}>
              YAML
            </button>
            <button type="button" aria-pressed={format === 'json'} onClick={() => setFormat('json')}>
              JSON
            </button>
          </div>
          <CodeMirror value={text} onChange={onText} extensions={[format === 'yaml' ? yamlLang() : json()]} aria-label="Definition text" basicSetup={{ lineNumbers: true }} />
          {textError && (
            <p role="alert" className="error">
              {textError}
            </p>
          )}
        </section>
      </div>
      {saved && can(session, 'runs:write') && (
        <section aria-labelledby="run-h" className="run-form">
          <h2 id="run-h">Run</h2>
          {(def as { input?: unknown }).input ? (
            <Form tagName="div" idPrefix="run" schema={(def as { input: RJSFSchema }).input} formData={runInput} validator={validator} onChange={(e) => setRunInput(e.formData)} noHtml5Validate>
              <></>
            </Form>
          ) : (
            <p className="hint">This automation takes no input.</p>
          )}
          <button type="button" onClick={() => void runNow()}>
            Run now
          </button>
        </section>
      )}
      {saved && def.trigger?.['type'] === 'webhook' && can(session, 'runs:write') && <TestEvent automationId={saved.id} trigger={def.trigger as { connection?: string; events?: string[] }} />}
      {saved && (def.trigger?.['type'] === 'schedule' || def.trigger?.['type'] === 'poll') && <ScheduleControls automationId={saved.id} />}
      {saved && <Versions automationId={saved.id} latest={saved.version} />}
    </>
  );
}
