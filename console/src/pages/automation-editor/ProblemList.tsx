import type { Node } from '@xyflow/react';
import type { StepNodeData } from '../../flow.ts';

/** The definition's problems; one that belongs to a node of the graph selects it when clicked. */
export function ProblemList({ problems, nodes, onSelect }: { problems: { path: string; message: string }[]; nodes: Node<StepNodeData>[]; onSelect: (id: string) => void }) {
  if (problems.length === 0) return null;
  return (
    <section className="problems" aria-label="Problems" aria-live="polite">
      <h2>Problems ({problems.length})</h2>
      <ul>
        {problems.map((p, i) => {
          const node = nodes.find((n) => n.data.problems.includes(`${p.path}: ${p.message}`));
          return (
            <li key={i}>
              {node ? (
                <button type="button" className="link" onClick={() => onSelect(node.id)}>
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
  );
}
