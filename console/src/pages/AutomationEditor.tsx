// The automation editor: a definition edited as a graph (automation-editor/FlowGraph.tsx), in an
// inspector (TriggerInspector, StepInspector) and as text (DefinitionText), validated as it would
// be saved; a saved automation also gets Run now, test events, schedule controls and versions.
import type { Connection as FlowConnection } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, can, errorDetails, normalisePath, type Automation, type ConnectionList, type ConnectorList, type DefinitionValidation } from '../api.ts';
import { connect, ensureListAt, listAt, SLOT, splitStepPath, STEP_TEMPLATES, stepAt, stepIds, toGraph, type Definition } from '../flow.ts';
import { useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { useStepSchemas } from '../StepForm.tsx';
import { ErrorNote } from '../ui.tsx';
import { DefinitionText } from './automation-editor/DefinitionText.tsx';
import { FlowGraph } from './automation-editor/FlowGraph.tsx';
import { ProblemList } from './automation-editor/ProblemList.tsx';
import { RunForm } from './automation-editor/RunForm.tsx';
import { StepInspector } from './automation-editor/StepInspector.tsx';
import { TriggerInspector } from './automation-editor/TriggerInspector.tsx';
import { ScheduleControls } from './ScheduleControls.tsx';
import { TestEvent } from './TestEvent.tsx';
import { Versions } from './Versions.tsx';

const NEW_DEFINITION: Definition = { name: 'New automation', trigger: { type: 'manual' }, steps: [] };

/** Problems as the definition would have them saved: `POST /automations/validate`, debounced. */
function useValidation(def: Definition, automationId: string | undefined, enabled: boolean): { path: string; message: string }[] {
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const timer = window.setTimeout(() => {
      const query = automationId ? `?automationId=${encodeURIComponent(automationId)}` : '';
      api<DefinitionValidation>(`/automations/validate${query}`, { method: 'POST', json: def })
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

export function AutomationEditor() {
  const { id } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const writable = can(session, 'automations:write');
  const invalidate = useInvalidate();
  const [saved, setSaved] = useState<Automation | null>(null);
  const [def, setDef] = useState<Definition>(NEW_DEFINITION);
  const [selected, setSelected] = useState<string | null>(null);
  const [actionError, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [newType, setNewType] = useState('action');
  useStepSchemas(); // loaded now, so a step's form is there when one is selected
  const connectionList = useApi<ConnectionList>('/connections');
  const connectorList = useApi<ConnectorList>('/connectors');
  const connections = connectionList.data?.items ?? [];
  const connectors = connectorList.data?.items ?? [];
  // The stored automation fills the editor once per automation: a reload (after a save) must
  // not replace what is being edited.
  const stored = useApi<Automation>(id ? `/automations/${encodeURIComponent(id)}` : null, { refetchOnWindowFocus: false });
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    const a = stored.data;
    if (!a || loadedFor.current === a.id) return;
    loadedFor.current = a.id;
    setSaved(a);
    setDef(a.definition as Definition);
  }, [stored.data]);
  const error = actionError ?? stored.error ?? connectionList.error ?? connectorList.error;

  const problems = useValidation(def, saved?.id, can(session, 'automations:read'));
  const saveProblems = errorDetails(error).map((d) => ({ path: d.path.replace(/^body\./, '').replace(/^definition\./, ''), message: d.message }));
  const allProblems = [...problems, ...saveProblems.filter((d) => !problems.some((p) => p.path === d.path && p.message === d.message))].map((p) => ({ ...p, path: normalisePath(p.path) }));
  const problemKey = allProblems.map((p) => `${p.path}|${p.message}`).join('\n');
  const graph = useMemo(() => toGraph(def, allProblems), [def, problemKey]);

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
      // The list, this automation, its versions and schedule reload; the editor keeps its text
      // (`loadedFor`), and a new automation is loaded as stored once its own page opens.
      void invalidate('/automations');
      if (!saved) navigate(`/automations/${encodeURIComponent(result.id)}`, { replace: true });
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
      <ProblemList problems={allProblems} nodes={graph.nodes} onSelect={setSelected} />
      <div className="automation-editor">
        <FlowGraph graph={graph} selected={selected} onSelect={setSelected} onConnect={onConnect} />
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
          {selected === '__trigger' && <TriggerInspector trigger={def.trigger ?? {}} connections={connections} connectors={connectors} onChange={(t) => update((d) => void (d.trigger = t))} />}
          {step && <StepInspector step={step} nodeId={selected!} connections={connections} connectors={connectors} setStep={setStep} onRemove={removeStep} />}
          {!selected && <p className="hint">Select a node to configure it; drag from a node's bottom handle to another node to connect them.</p>}
        </section>
        <DefinitionText def={def} onChange={setDef} />
      </div>
      {saved && can(session, 'runs:write') && <RunForm automationId={saved.id} def={def} onError={setError} />}
      {saved && def.trigger?.['type'] === 'webhook' && can(session, 'runs:write') && <TestEvent automationId={saved.id} trigger={def.trigger as { connection?: string; events?: string[] }} />}
      {saved && (def.trigger?.['type'] === 'schedule' || def.trigger?.['type'] === 'poll') && <ScheduleControls automationId={saved.id} />}
      {saved && <Versions automationId={saved.id} />}
    </>
  );
}
