/** The console's graph model of a definition: slots for nested lists, problem marking, moves by drawn connections. */
import { describe, expect, it } from 'vitest';
import { connect, SLOT, stepIds, toGraph, type Definition } from '../../console/src/flow.ts';

const def = (): Definition => ({
  name: 'x',
  trigger: { type: 'manual' },
  steps: [
    { id: 'a', type: 'condition', if: 'true', then: [{ id: 'b', type: 'wait', duration: '1m' }] },
    { id: 'p', type: 'parallel', branches: [[{ id: 'c', type: 'wait', duration: '1m' }], []] },
    { id: 'd', type: 'wait', duration: '1m' },
  ],
});

describe('console flow model', () => {
  it('draws a slot per nested list (else even when absent) and chains each list from its slot', () => {
    const { nodes, edges } = toGraph(def(), []);
    expect(nodes.map((n) => n.id)).toEqual([
      '__trigger',
      'steps.0',
      `${SLOT}steps.0.then`,
      'steps.0.then.0',
      `${SLOT}steps.0.else`,
      'steps.1',
      `${SLOT}steps.1.branches.0`,
      'steps.1.branches.0.0',
      `${SLOT}steps.1.branches.1`,
      'steps.2',
    ]);
    expect(edges.map((e) => `${e.source}>${e.target}`)).toContain(`${SLOT}steps.1.branches.0>steps.1.branches.0.0`);
    expect(edges.map((e) => `${e.source}>${e.target}`)).toContain('steps.1>steps.2');
    expect([...stepIds(def())].sort()).toEqual(['a', 'b', 'c', 'd', 'p']);
  });

  it('marks only the deepest node a problem points into', () => {
    const { nodes } = toGraph(def(), [
      { path: 'steps.0.then.0.duration', message: 'bad' },
      { path: 'steps.1.branches.0.0', message: 'duplicate' },
      { path: 'trigger.type', message: 'bad' },
      { path: 'name', message: 'root' },
    ]);
    expect(nodes.filter((n) => n.data.invalid).map((n) => n.id)).toEqual(['__trigger', 'steps.0.then.0', 'steps.1.branches.0.0']);
    expect(nodes.find((n) => n.id === 'steps.0.then.0')!.data.problems).toEqual(['steps.0.then.0.duration: bad']);
  });

  it('moves the target after the source, into a slot, across lists, but never into itself', () => {
    const ids = (d: Definition | undefined) => JSON.stringify(d?.steps);
    // Out of a nested list, after a later top-level step (paths shift on removal).
    const moved = connect(def(), 'steps.2', 'steps.0.then.0')!;
    expect(moved.steps!.map((s) => s.id)).toEqual(['a', 'p', 'd', 'b']);
    expect(moved.steps![0]!['then']).toEqual([]);
    // To the front of an empty branch and of an absent else.
    expect((connect(def(), `${SLOT}steps.1.branches.1`, 'steps.2')!.steps![1]!['branches'] as { id: string }[][])[1]!.map((s) => s.id)).toEqual(['d']);
    expect((connect(def(), `${SLOT}steps.0.else`, 'steps.2')!.steps![0]!['else'] as { id: string }[]).map((s) => s.id)).toEqual(['d']);
    // The trigger: the front of the top-level list.
    expect(connect(def(), '__trigger', 'steps.2')!.steps!.map((s) => s.id)).toEqual(['d', 'a', 'p']);
    // Not into itself or its own lists; slots and the trigger are not movable.
    expect(connect(def(), 'steps.0.then.0', 'steps.0')).toBeUndefined();
    expect(connect(def(), `${SLOT}steps.0.then`, 'steps.0')).toBeUndefined();
    expect(connect(def(), 'steps.0', `${SLOT}steps.0.then`)).toBeUndefined();
    expect(ids(connect(def(), 'steps.0', 'steps.0'))).toBe(ids(undefined));
  });

  it('draws foreach, try and switch as containers: a slot per list, offered also when absent, and moves into them', () => {
    const blocks: Definition = {
      name: 'blocks',
      trigger: { type: 'manual' },
      steps: [
        { id: 'loop', type: 'foreach', items: '{{ input.items }}', steps: [{ id: 'each', type: 'transform', output: 1 }] },
        { id: 'guard', type: 'try', steps: [{ id: 'call', type: 'wait', duration: '1m' }], finally: [{ id: 'release', type: 'wait', duration: '1m' }] },
        { id: 'route', type: 'switch', value: '{{ input.p }}', cases: [{ equals: 'P1', steps: [{ id: 'page', type: 'wait', duration: '1m' }] }, { equals: { level: 2 }, steps: [] }] },
        { id: 'end', type: 'stop', status: 'completed' },
      ],
    };
    const { nodes, edges } = toGraph(blocks, [{ path: 'steps.2.cases.0.steps.0.duration', message: 'bad' }]);
    expect(nodes.map((n) => n.id)).toEqual([
      '__trigger',
      'steps.0',
      `${SLOT}steps.0.steps`,
      'steps.0.steps.0',
      'steps.1',
      `${SLOT}steps.1.steps`,
      'steps.1.steps.0',
      `${SLOT}steps.1.catch`,
      `${SLOT}steps.1.finally`,
      'steps.1.finally.0',
      'steps.2',
      `${SLOT}steps.2.cases.0.steps`,
      'steps.2.cases.0.steps.0',
      `${SLOT}steps.2.cases.1.steps`,
      `${SLOT}steps.2.default`,
      'steps.3',
    ]);
    const labels = Object.fromEntries(edges.filter((e) => e.label).map((e) => [e.target, e.label]));
    expect(labels).toMatchObject({ [`${SLOT}steps.0.steps`]: 'each item', [`${SLOT}steps.1.catch`]: 'catch', [`${SLOT}steps.2.cases.1.steps`]: 'case {"level":2}', [`${SLOT}steps.2.default`]: 'default' });
    expect(nodes.filter((n) => n.data.invalid).map((n) => n.id)).toEqual(['steps.2.cases.0.steps.0']);
    expect([...stepIds(blocks)].sort()).toEqual(['call', 'each', 'end', 'guard', 'loop', 'page', 'release', 'route']);
    // Into an absent catch, an empty case and the absent default: the lists are created.
    const caught = connect(blocks, `${SLOT}steps.1.catch`, 'steps.3')!;
    expect((caught.steps![1]!['catch'] as { id: string }[]).map((s) => s.id)).toEqual(['end']);
    const cased = connect(blocks, `${SLOT}steps.2.cases.1.steps`, 'steps.1.finally.0')!;
    expect(((cased.steps![2]!['cases'] as { steps: { id: string }[] }[])[1]!.steps).map((s) => s.id)).toEqual(['release']);
    expect(cased.steps![1]!['finally']).toEqual([]);
    const defaulted = connect(blocks, `${SLOT}steps.2.default`, 'steps.0.steps.0')!;
    expect((defaulted.steps![2]!['default'] as { id: string }[]).map((s) => s.id)).toEqual(['each']);
    // The round trip: the graph of the moved definition has the step in its new slot.
    expect(toGraph(defaulted, []).nodes.map((n) => n.id)).toContain('steps.2.default.0');
  });
});
