// The automation definition as a graph: the trigger, then each step list as a chain,
// with the nested lists of condition (then/else), branch and parallel steps fanning out.
import type { Edge, Node } from '@xyflow/react';

export type Step = Record<string, unknown> & { id: string; type: string };
export type Definition = Record<string, unknown> & { name?: string; trigger?: Record<string, unknown>; steps?: Step[] };

export interface StepNodeData extends Record<string, unknown> {
  label: string;
  kind: string;
  /** JSON path of the step in the definition (`steps.1.then.0`), to match API error paths. */
  path: string;
  invalid: boolean;
}

const X = 240;
const Y = 110;

/** Nested step lists of a step, with the label of the edge into each. */
function children(step: Step): [string, Step[], string][] {
  const out: [string, Step[], string][] = [];
  for (const key of ['then', 'else', 'steps'] as const) if (Array.isArray(step[key])) out.push([key, step[key] as Step[], key]);
  for (const key of ['branches', 'cases'] as const) {
    const v = step[key];
    if (Array.isArray(v))
      v.forEach((b: unknown, i) => {
        const list = (b as { steps?: Step[] })?.steps;
        if (Array.isArray(list)) out.push([`${key}.${i}.steps`, list, String((b as { name?: string }).name ?? `${key} ${i + 1}`)]);
      });
  }
  return out;
}

export function toGraph(def: Definition, errorPaths: string[]): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const nodes: Node<StepNodeData>[] = [];
  const edges: Edge[] = [];
  const trigger = def.trigger ?? {};
  nodes.push({
    id: '__trigger',
    type: 'step',
    position: { x: 0, y: 0 },
    data: { label: 'trigger', kind: String(trigger['type'] ?? 'manual'), path: 'trigger', invalid: errorPaths.some((p) => p.startsWith('trigger')) },
  });
  let row = 1;
  const chain = (list: Step[], from: string, path: string, depth: number, label?: string) => {
    let prev = from;
    list.forEach((step, i) => {
      const p = `${path}.${i}`;
      const id = `${p}`;
      nodes.push({
        id,
        type: 'step',
        position: { x: depth * X, y: row++ * Y },
        data: { label: step.id, kind: step.type, path: p, invalid: errorPaths.some((e) => e === p || e.startsWith(`${p}.`)) },
      });
      edges.push({ id: `${prev}->${id}`, source: prev, target: id, ...(i === 0 && label ? { label } : {}) });
      for (const [key, nested, edgeLabel] of children(step)) chain(nested, id, `${p}.${key}`, depth + 1, edgeLabel);
      prev = id;
    });
  };
  chain(def.steps ?? [], '__trigger', 'steps', 0);
  return { nodes, edges };
}

/** Step templates for "Add step", by type. */
export const STEP_TEMPLATES: Record<string, (id: string) => Step> = {
  action: (id) => ({ id, type: 'action', connection: '', action: '', input: {} }),
  approval: (id) => ({ id, type: 'approval', approvers: ['lead'], timeout: '1d', onTimeout: 'reject' }),
  condition: (id) => ({ id, type: 'condition', if: 'true', then: [], else: [] }),
  parallel: (id) => ({ id, type: 'parallel', branches: [{ steps: [] }, { steps: [] }] }),
  wait: (id) => ({ id, type: 'wait', duration: '1m' }),
  transform: (id) => ({ id, type: 'transform', output: {} }),
  llm: (id) => ({ id, type: 'llm', connection: '', prompt: '' }),
};

/** The step list at a dotted path (`steps`, `steps.0.then`). */
export function listAt(def: Definition, path: string): Step[] | undefined {
  let cur: unknown = def;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return Array.isArray(cur) ? (cur as Step[]) : undefined;
}

/** Moves the step at `targetPath` to right after `sourcePath` when both are in the same list (a drawn connection). */
export function connect(def: Definition, sourcePath: string, targetPath: string): Definition | undefined {
  const copy = structuredClone(def);
  const split = (p: string) => {
    const i = p.lastIndexOf('.');
    return [p.slice(0, i), Number(p.slice(i + 1))] as const;
  };
  const [tList, tIndex] = split(targetPath);
  if (sourcePath === '__trigger') {
    if (tList !== 'steps') return undefined;
    const list = listAt(copy, 'steps')!;
    const [moved] = list.splice(tIndex, 1);
    list.unshift(moved!);
    return copy;
  }
  const [sList, sIndex] = split(sourcePath);
  if (sList !== tList) return undefined;
  const list = listAt(copy, sList)!;
  const [moved] = list.splice(tIndex, 1);
  list.splice(tIndex < sIndex ? sIndex : sIndex + 1, 0, moved!);
  return copy;
}
