/** Where a re-drive starts and what it carries over (src/automations/redrive-plan.ts). */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.ts';
import { planRedrive } from '../../src/automations/redrive-plan.ts';
import type { Step, StepState } from '../../workflows/automation/types.ts';

const t = (id: string, extra: object = {}): Step => ({ id, type: 'transform', output: id, ...extra }) as unknown as Step;
const st = (id: string, status: StepState['status'], extra: Partial<StepState> = {}, type = 'transform'): StepState => ({ id, type, status, attempts: 1, ...extra });
const block: Step = { id: 'route', type: 'condition', if: 'true', then: [t('inner')], else: [t('other')] } as unknown as Step;
const steps = [t('a'), t('b', { onError: 'continue' }), block, t('c'), t('d')];
const states = [
  st('a', 'completed', { output: 1, startedAt: '1' }),
  st('b', 'failed', { error: { code: 'UPSTREAM_5XX', message: 'down' }, startedAt: '2' }),
  st('route', 'completed', { output: { branch: 'then' }, startedAt: '3' }, 'condition'),
  st('inner', 'completed', { output: 'i', startedAt: '3' }),
  st('other', 'pending'),
  st('c', 'failed', { error: { code: 'UPSTREAM_5XX', message: 'down' }, startedAt: '4' }),
  st('d', 'pending'),
];
const conflictOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    return (err as Error).message;
  }
  throw new Error('expected a 409');
};

describe('planRedrive', () => {
  it('defaults to the top-level step that failed last and carries the records before it', () => {
    const start = planRedrive({ steps, version: 1, sourceSteps: steps, sourceStates: states })!;
    expect(start.fromStep).toBe('c');
    expect(start.steps.map((s) => s.id)).toEqual(['a', 'b', 'route', 'inner']);
    // A failure let pass (onError: continue) is in the context as in the source run; a branch not taken is not.
    expect(start.outputs).toEqual({ a: { output: 1 }, b: { output: null, error: { code: 'UPSTREAM_5XX', message: 'down' } }, route: { output: { branch: 'then' } }, inner: { output: 'i' } });
  });

  it('starts from the first step when nothing ran', () => {
    expect(planRedrive({ steps, version: 1, sourceSteps: steps, sourceStates: [] })).toBeUndefined();
  });

  it('refuses nested, unknown and unreached steps with the reason', () => {
    expect(conflictOf(() => planRedrive({ steps, version: 1, sourceSteps: steps, sourceStates: states, fromStep: 'inner' }))).toMatch(/inside block "route".*re-drive from "route"/);
    expect(conflictOf(() => planRedrive({ steps, version: 1, sourceSteps: steps, sourceStates: states, fromStep: 'zz' }))).toMatch(/does not exist in version 1/);
    expect(conflictOf(() => planRedrive({ steps, version: 1, sourceSteps: steps, sourceStates: states, fromStep: 'd' }))).toMatch(/"d" was not reached/);
  });

  it('matches by id on another version: a step before fromStep that the source lacked, or of another type, is refused', () => {
    const v2 = [t('a'), t('new'), t('c')];
    expect(conflictOf(() => planRedrive({ steps: v2, version: 2, sourceSteps: steps, sourceStates: states, fromStep: 'c' }))).toMatch(/"new" comes before "c" in version 2 but did not exist/);
    const retyped = [{ id: 'a', type: 'wait', duration: '1s' } as unknown as Step, t('c')];
    expect(conflictOf(() => planRedrive({ steps: retyped, version: 2, sourceSteps: steps, sourceStates: states, fromStep: 'c' }))).toMatch(/was a transform step/);
    // A step added after the failure re-drives cleanly.
    const later = [t('a'), t('c'), t('after')];
    expect(planRedrive({ steps: later, version: 2, sourceSteps: steps, sourceStates: states, fromStep: 'c' })!.steps.map((s) => s.id)).toEqual(['a']);
  });
});
