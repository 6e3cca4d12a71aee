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
});
