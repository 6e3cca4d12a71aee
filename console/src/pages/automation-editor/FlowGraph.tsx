// The graph view of the automation editor: the definition's steps and nested lists as React Flow
// nodes; selecting a node picks it for the inspector, drawing an edge moves a step.
import { Background, Controls, Handle, Position, ReactFlow, useReactFlow, type Connection as FlowConnection, type Edge, type NodeChange, type NodeProps, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useState } from 'react';
import type { StepNodeData } from '../../flow.ts';

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

export function FlowGraph({
  graph,
  selected,
  onSelect,
  onConnect,
}: {
  graph: { nodes: Node<StepNodeData>[]; edges: Edge[] };
  selected: string | null;
  onSelect: (id: string) => void;
  onConnect: (c: FlowConnection) => void;
}) {
  const narrow = useNarrow();
  // Measured node sizes, handed back with the nodes: nodes are rebuilt on every change, and
  // one without `measured` stays hidden until React Flow happens to measure it again.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});
  const onNodesChange = (changes: NodeChange<Node<StepNodeData>>[]) => {
    const measured = changes.flatMap((c) => (c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : []));
    if (measured.length) setSizes((prev) => ({ ...prev, ...Object.fromEntries(measured) }));
  };
  return (
    <section className="graph" aria-label="Graph view">
      <ReactFlow
        key={narrow ? 'narrow' : 'wide'}
        nodes={graph.nodes.map((n) => ({ ...n, selected: n.id === selected, ...(sizes[n.id] ? { measured: sizes[n.id] } : {}) }))}
        onNodesChange={onNodesChange}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        onNodeClick={(_e, n) => onSelect(n.id)}
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
  );
}
