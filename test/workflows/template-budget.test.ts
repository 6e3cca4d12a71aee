import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import { evaluateExpression, TEMPLATE_BUDGET } from '../../workflows/automation/template.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';

const RUNAWAY = '($f := function($x){ $f($x) }; $f(1))';
const context = { input: { items: Array.from({ length: 200 }, (_, i) => i) }, trigger: {}, steps: {}, run: {} };

describe('template evaluation budget', () => {
  it('shares one budget between the templates of one rendering', async () => {
    const { renderValue } = await import('../../workflows/automation/template.ts');
    const heavy = '{{ $count($map(input.items, function($v){ $v })) }}';
    expect(await renderValue({ a: heavy }, context)).toEqual({ a: 200 });
    await expect(renderValue(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, heavy])), context)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops a tail-recursive loop and a deep recursion with INVALID_INPUT, and leaves real templates alone', async () => {
    await expect(evaluateExpression(RUNAWAY, context)).rejects.toMatchObject({ name: 'TemplateError', code: 'INVALID_INPUT', message: expect.stringContaining(`budget of ${TEMPLATE_BUDGET.steps} steps`) });
    await expect(evaluateExpression('($f := function($x){ 1 + $f($x) }; $f(1))', context)).rejects.toMatchObject({ name: 'TemplateError', code: 'INVALID_INPUT' });
    expect(await evaluateExpression('$sum($map(input.items, function($v){ $v * 2 }))', context)).toBe(2 * ((199 * 200) / 2));
    expect(await evaluateExpression('($loop := function($i){ $i < 100 ? $loop($i + 1) : $i }; $loop(0))', context)).toBe(100);
  });

  describe('in a run (time-skipping server)', () => {
    let h: InterpreterHarness;
    beforeAll(async () => {
      h = await startInterpreterHarness();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('fails the step non-retryably with INVALID_INPUT naming it, and the run ends and answers queries', async () => {
      const handle = await h.start({ name: 'runaway', trigger: { type: 'manual' }, steps: [{ id: 'loop', type: 'transform', output: `{{ ${RUNAWAY} }}` }] });
      const started = Date.now();
      const err = await handle.result().catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: 'INVALID_INPUT', nonRetryable: true, message: expect.stringMatching(/^step loop failed: INVALID_INPUT: .*evaluation budget/) });
      const state = await handle.query(runStateQuery);
      expect(state.status).toBe('failed');
      expect(state.steps[0]).toMatchObject({ id: 'loop', status: 'failed', error: { code: 'INVALID_INPUT' } });
      // One workflow task failure at most would show as WorkflowTaskFailed events: there are none.
      const history = await handle.fetchHistory();
      expect(history.events!.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
    });
  });
});
