/** The block step types (try, switch, stop) in the definition language: schemas, nesting and goto checks. */
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, parseDefinition, stepJsonSchemas } from '../../src/automations/definition.ts';
import { DefinitionError } from '../../src/errors.ts';
import { jsonEqual } from '../../workflows/automation/steps/blocks.ts';
import { childLists } from '../../workflows/automation/steps/registry.ts';
import type { Step } from '../../workflows/automation/types.ts';

const base = { name: 'blocks', trigger: { type: 'manual' } };
const issues = (steps: unknown[]): { path: string; message: string }[] => {
  try {
    parseDefinition({ ...base, steps });
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.issues;
  }
};
const t = (id: string): Step => ({ id, type: 'transform', output: id });

/** `depth` blocks nested in each other (alternating try and switch), a transform innermost. */
function nested(depth: number): Step {
  let inner: Step = t('leaf');
  for (let d = depth; d >= 1; d--) {
    inner = d % 2 ? { id: `b${d}`, type: 'try', steps: [inner] } : { id: `b${d}`, type: 'switch', value: '{{ input.x }}', cases: [{ equals: d, steps: [inner] }] };
  }
  return inner;
}

describe('block steps in the definition language', () => {
  it('accepts try, switch and stop with gotos across the new containers', () => {
    const def = parseDefinition({
      ...base,
      steps: [
        {
          id: 'guard',
          type: 'try',
          steps: [{ id: 'call', type: 'action', connection: 'conn_1', action: 'request', onError: 'goto:after' }],
          catch: [{ id: 'report', type: 'transform', output: '{{ error.code }} in {{ error.step }}' }],
          finally: [{ id: 'release', type: 'transform', output: 'released' }],
        },
        {
          id: 'route',
          type: 'switch',
          value: '{{ input.priority }}',
          cases: [{ equals: 'P1', steps: [{ id: 'page', type: 'transform', output: 1, onError: 'goto:after' }] }, { equals: { level: 2 }, steps: [] }],
          default: [{ id: 'quit', type: 'stop', status: 'failed', reason: 'unknown priority {{ input.priority }}' }],
        },
        { id: 'after', type: 'stop', status: 'completed', output: { done: true } },
      ],
    });
    expect(def.steps.map((s) => s.type)).toEqual(['try', 'switch', 'stop']);
    expect(childLists(def.steps[1]!).map((l) => l.label)).toEqual(['cases[0].steps', 'cases[1].steps', 'default']);
    expect(childLists(def.steps[0]!).map((l) => l.label)).toEqual(['steps', 'catch', 'finally']);
  });

  it('refuses a try without steps, duplicate switch cases and a bad stop status, with paths', () => {
    expect(issues([{ id: 'g', type: 'try', catch: [] }])).toEqual([expect.objectContaining({ path: 'steps.0.steps' })]);
    expect(issues([{ id: 'g', type: 'try', steps: [] }])).toEqual([{ path: 'steps.0.steps', message: expect.stringContaining('at least one step') }]);
    expect(
      issues([{ id: 's', type: 'switch', value: '{{ input.p }}', cases: [{ equals: { a: 1, b: [2] }, steps: [] }, { equals: 'x', steps: [] }, { equals: { b: [2], a: 1 }, steps: [] }] }]),
    ).toEqual([{ path: 'steps.0.cases.2.equals', message: expect.stringContaining('cases[0]') }]);
    expect(issues([{ id: 's', type: 'switch', value: '{{ input.p }}', cases: [{ steps: [] }] }])).toEqual([expect.objectContaining({ path: 'steps.0.cases.0.equals' })]);
    expect(issues([{ id: 'x', type: 'stop', status: 'paused' }])).toEqual([expect.objectContaining({ path: 'steps.0.status' })]);
  });

  it('names the labelled path of problems inside catch, finally and cases', () => {
    const found = issues([
      { id: 'g', type: 'try', steps: [t('a')], catch: [{ id: 'c', type: 'transform', output: '{{ $eval("1") }}' }], finally: [{ id: 'f', type: 'transform', output: 1, onError: 'goto:nowhere' }] },
      { id: 's', type: 'switch', value: '{{ input.p }}', cases: [{ equals: 1, steps: [t('a')] }], default: [{ id: 'd', type: 'transform', output: 1, onError: 'goto:c' }] },
    ]);
    const paths = found.map((i) => i.path);
    expect(paths).toContain('steps[0] (g).catch[0] (c).output');
    expect(found.find((i) => i.path === 'steps[0] (g).finally[0] (f)')?.message).toContain('goto target "nowhere"');
    expect(found.find((i) => i.path === 'steps[1] (s).cases[0].steps[0] (a)')?.message).toContain('duplicate step id');
    // A goto from a switch's default into a try's catch jumps into a sibling block: refused.
    expect(found.find((i) => i.path === 'steps[1] (s).default[0] (d)')?.message).toContain('goto target "c"');
  });

  it('covers any `steps` list generically (a foreach body included) and ignores the literal `equals`', () => {
    expect(childLists({ id: 'loop', type: 'foreach', items: '{{ input.items }}', steps: [t('x')] } as Step).map((l) => l.label)).toEqual(['steps']);
    // `equals` may hold text that looks like a template: it is a literal value.
    expect(issues([{ id: 's', type: 'switch', value: '{{ input.p }}', cases: [{ equals: '{{ not a template', steps: [] }] }])).toEqual([]);
  });

  it(`accepts blocks nested ${MAX_NESTING_DEPTH} deep and refuses one level more, naming the step`, () => {
    expect(issues([nested(MAX_NESTING_DEPTH)])).toEqual([]);
    const deeper = issues([nested(MAX_NESTING_DEPTH + 1)]);
    expect(deeper).toHaveLength(1);
    expect(deeper[0]!.message).toContain(`deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(deeper[0]!.path).toMatch(new RegExp(`\\(b${MAX_NESTING_DEPTH + 1}\\)$`));
    // Conditions and parallel branches count too.
    const mixed = { id: 'p', type: 'parallel', branches: [[{ id: 'c', type: 'condition', if: 'true', then: [nested(MAX_NESTING_DEPTH - 1)] }]] };
    expect(issues([mixed])).toEqual([expect.objectContaining({ message: expect.stringContaining('deeper than') })]);
  });

  it('compares switch values by deep equality', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
  });

  it('gives the console a form schema for each block type', () => {
    const byType = Object.fromEntries(stepJsonSchemas().map((s) => [s.type, s.schema]));
    expect(Object.keys((byType['try'] as { properties: object }).properties)).toEqual(expect.arrayContaining(['steps', 'catch', 'finally']));
    expect(Object.keys((byType['switch'] as { properties: object }).properties)).toEqual(expect.arrayContaining(['value', 'cases', 'default']));
    expect((byType['stop'] as { properties: { status: { enum: string[] } } }).properties.status.enum).toEqual(['completed', 'failed']);
  });
});
