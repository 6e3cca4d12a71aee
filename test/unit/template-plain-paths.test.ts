/**
 * Plain template paths read without JSONata (`RenderMode.plainPaths`, workflows/automation/template.ts)
 * must be indistinguishable from JSONata: the same value, the same error and the same budget
 * steps for every template, so a run renders the same whichever way it evaluates (replay).
 */
import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateExpression, newTemplateBudget, renderValue, TEMPLATE_BUDGET, type TemplateContext } from '../../workflows/automation/template.ts';

const ctx: TemplateContext = {
  input: { n: 5, s: 'text', t: true, z: 0, nil: null, list: [1, 2], one: [7], nested: [[1], [2, 3]], objs: [{ a: 1 }, { a: 2 }], deep: { a: { b: { c: 'x' } } }, and: 'kw', e10: 1, _u: 'u' },
  trigger: { payload: { issue: { number: 7, labels: ['bug'] }, empty: {}, str: 'abc' } },
  steps: { a: { output: { v: 'x', obj: { k: [1] } } }, skipped: undefined },
  run: { workflowId: 'run:a:b', startedAt: '2026-11-30T00:00:00.000Z' },
};

const templates = [
  '{{ input }}', '{{ input.n }}', ' {{ input.s }} ', '{{input.t}}', '{{ input.z }}', '{{ input.nil }}', '{{ input.list }}', '{{ input.one }}',
  '{{ input.nested }}', '{{ input.objs.a }}', '{{ input.deep.a.b.c }}', '{{ input.deep.a }}', '{{ input.and }}', '{{ input.e10 }}', '{{ input._u }}',
  '{{ trigger.payload.issue.number }}', '{{ trigger.payload.issue.labels }}', '{{ trigger.payload.empty }}', '{{ trigger.payload.str.length }}',
  '{{ steps.a.output.v }}', '{{ steps.a.output.obj.k }}', '{{ run.workflowId }}', 'issue {{ trigger.payload.issue.number }} by {{ steps.a.output.v }}',
  'obj {{ input.deep.a }} and {{ input.nil }}', '{{ input.s & "!" }}', '{{ true }}', '{{ input.missing }}', '{{ steps.b.output.v }}',
  '{{ steps.skipped.output }}', '{{ input.constructor }}', '{{ input.toString }}', '{{ input.n.x }}', '{{ input.list.x }}', 'no template',
];

async function outcome(value: unknown, plainPaths: boolean): Promise<{ value?: unknown; error?: unknown; steps: number }> {
  const budget = newTemplateBudget();
  try {
    return { value: await renderValue(value, ctx, budget, { plainPaths }), steps: budget.steps };
  } catch (err) {
    const e = err as { name?: string; message?: string; code?: string };
    return { error: { name: e.name, message: e.message, code: e.code }, steps: budget.steps };
  }
}

describe('plain template paths', () => {
  it.each(templates)('renders %j exactly as JSONata does (value or error, and budget steps)', async (template) => {
    expect(await outcome(template, true)).toEqual(await outcome(template, false));
  });

  it.each(['payload.issue.number', 'payload.issue.labels', 'payload.missing', 'payload.str.length', 'payload.empty', 'payload.issue.number + 1'])(
    'evaluates the bare expression %j (an eventKey) exactly as JSONata does',
    async (expression) => {
      const evaluate = async (plainPaths: boolean) => {
        const budget = newTemplateBudget();
        const value = await evaluateExpression(expression, ctx.trigger as unknown as TemplateContext, { allowUndefined: true, budget, plainPaths });
        return { value, steps: budget.steps };
      };
      expect(await evaluate(true)).toEqual(await evaluate(false));
    },
  );

  it('renders whole values (objects and arrays of templates) the same way, in one budget', async () => {
    const value = { a: ['{{ steps.a.output.v }}', 3, { b: '{{ input.deep.a.b.c }}' }], c: '{{ run.workflowId }}', d: '{{ input.list }}', e: null };
    const fast = await outcome(value, true);
    expect(fast).toEqual(await outcome(value, false));
    expect(fast.value).toEqual({ a: ['x', 3, { b: 'x' }], c: 'run:a:b', d: [1, 2], e: null });
    expect(fast.steps).toBeGreaterThan(0);
  });

  it('fails at the same template with the budget error when plain paths exhaust the budget', async () => {
    const many = Object.fromEntries(Array.from({ length: TEMPLATE_BUDGET.steps / 4 + 1 }, (_, i) => [`k${i}`, '{{ input.deep.a }}']));
    const fast = await outcome(many, true);
    expect(fast).toEqual(await outcome(many, false));
    expect(fast.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(`budget of ${TEMPLATE_BUDGET.steps} steps`) });
  });

  it('evaluates conditions the same way', async () => {
    for (const c of ['input.t', 'input.z', 'input.nil', 'input.missing', 'input.list', '{{ input.s }}', 'input.n > 3', 'trigger.payload.empty']) {
      expect(await evaluateCondition(c, ctx, { plainPaths: true }), c).toBe(await evaluateCondition(c, ctx));
    }
  });
});
