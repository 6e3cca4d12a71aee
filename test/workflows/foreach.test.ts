import { activityInfo } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopIterationsQuery, runStateQuery } from '../../workflows/automation/definitions.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';
import { maxEventsOfRunTree } from '../support/history-size.ts';

const manual = { type: 'manual' } as const;

/** A stand-in connector action: records each call's activity id and how many ran at once. */
function recordingAction() {
  const calls: { activityId: string; input: { n: number; fail?: boolean } }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    calls,
    maxInFlight: () => maxInFlight,
    activities: {
      async runConnectorAction({ input }: { input: { n: number; fail?: boolean } }): Promise<unknown> {
        calls.push({ activityId: activityInfo().activityId, input });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Long enough that the pool's iterations overlap even on a loaded machine.
        await new Promise((r) => setTimeout(r, 150 + (input.n % 3) * 30));
        inFlight--;
        return { doubled: input.n * 2 };
      },
    },
  };
}

describe('foreach (time-skipping server)', () => {
  let h: InterpreterHarness;
  const action = recordingAction();
  beforeAll(async () => {
    h = await startInterpreterHarness({ extraActivities: action.activities });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs items in input order at most `concurrency` at a time, with stable per-item activity ids', async () => {
    const items = Array.from({ length: 12 }, (_, n) => n);
    const conn = await h.createConnection('http', {}, { baseUrl: 'http://127.0.0.1:1' });
    const handle = await h.start(
      {
        name: 'loop',
        trigger: manual,
        steps: [
          { id: 'factor', type: 'transform', output: 10 },
          {
            id: 'loop',
            type: 'foreach',
            items: '{{ input.items }}',
            concurrency: 4,
            steps: [
              { id: 'call', type: 'action', connection: conn, action: 'request', input: { n: '{{ item }}' } },
              { id: 'sum', type: 'transform', output: '{{ steps.call.output.doubled + steps.factor.output * index }}' },
            ],
          },
        ],
      },
      { items },
    );
    const result = await handle.result();
    expect(result.outputs['loop']).toEqual({ items: items.map((n) => n * 2 + 10 * n), count: 12 });
    // Never more than `concurrency` at once, and really concurrent (a loaded worker may not fill every slot at the same instant).
    expect(action.maxInFlight()).toBeLessThanOrEqual(4);
    expect(action.maxInFlight()).toBeGreaterThanOrEqual(2);
    expect(action.calls.map((c) => c.activityId).sort()).toEqual(items.map((i) => `loop[${i}].call`).sort());
    // Activity ids carry the item: each call saw its own item.
    for (const c of action.calls) expect(c.activityId).toBe(`loop[${c.input.n}].call`);
    const state = await handle.query(runStateQuery);
    const loop = state.steps.find((s) => s.id === 'loop')!;
    expect(loop.progress).toEqual({ done: 12, failed: 0, total: 12 });
    // The run state keeps the body out of the top-level records; iterations are on demand.
    expect(state.steps.map((s) => s.id)).toEqual(['factor', 'loop']);
    const page = await handle.query(loopIterationsQuery, { stepId: 'loop', from: 10, limit: 5 });
    expect(page.iterations.map((i) => i.index)).toEqual([10, 11]);
    expect(page.iterations[1]!.steps!.map((s) => [s.id, s.status, s.output])).toEqual([
      ['call', 'completed', { doubled: 22 }],
      ['sum', 'completed', 132],
    ]);
  });

  it('onItemError continue: 3 failing items of 25 give 22 results and 3 errors at their indexes', async () => {
    const items = Array.from({ length: 25 }, (_, n) => (n % 8 === 3 ? { n } : { n, sku: `SKU-${n}` }));
    const handle = await h.start(
      {
        name: 'continue',
        trigger: manual,
        steps: [
          {
            id: 'lines',
            type: 'foreach',
            items: '{{ input.items }}',
            as: 'line',
            concurrency: 5,
            onItemError: 'continue',
            steps: [{ id: 'upper', type: 'transform', output: '{{ $uppercase(line.sku) }}' }],
            output: { sku: '{{ steps.upper.output }}', at: '{{ index }}' },
          },
        ],
      },
      { items },
    );
    const out = (await handle.result()).outputs['lines'] as { items: unknown[]; count: number; errors: { index: number; error: { code: string; step: string } }[] };
    expect(out.count).toBe(25);
    expect(out.errors.map((e) => e.index)).toEqual([3, 11, 19]);
    expect(out.errors.every((e) => e.error.code === 'INVALID_INPUT' && e.error.step === 'upper')).toBe(true);
    expect(out.items.filter((x) => x !== null)).toHaveLength(22);
    expect(out.items[0]).toEqual({ sku: 'SKU-0', at: 0 });
    expect(out.items[3]).toBeNull();
    expect(out.items[24]).toEqual({ sku: 'SKU-24', at: 24 });
    const loop = (await handle.query(runStateQuery)).steps.find((s) => s.id === 'lines')!;
    expect(loop.progress).toEqual({ done: 22, failed: 3, total: 25 });
  });

  it('onItemError fail (default) fails the loop naming the item and the body step', async () => {
    const handle = await h.start(
      { name: 'fail', trigger: manual, steps: [{ id: 'loop', type: 'foreach', items: [1, 2, 'x', 4], steps: [{ id: 'm', type: 'transform', output: '{{ item.missing }}' }] }] },
    );
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toMatch(/step loop failed: INVALID_INPUT: item 0 at step m failed/);
    const loop = (await handle.query(runStateQuery)).steps.find((s) => s.id === 'loop')!;
    // Concurrency 1: nothing started after the first failure.
    expect(loop.progress).toEqual({ done: 0, failed: 1, total: 4 });
  });

  it('keeps iterations apart: nested containers, outer loop variables, scoped outputs', async () => {
    const handle = await h.start(
      {
        name: 'nested',
        trigger: manual,
        steps: [
          {
            id: 'outer',
            type: 'foreach',
            items: '{{ input.rows }}',
            as: 'row',
            concurrency: 3,
            steps: [
              {
                id: 'check',
                type: 'condition',
                if: 'row.n > 1',
                then: [{ id: 'big', type: 'transform', output: '{{ row.name }} is big' }],
                else: [{ id: 'small', type: 'transform', output: '{{ row.name }} is small' }],
              },
              { id: 'inner', type: 'foreach', items: '{{ row.tags }}', steps: [{ id: 'tag', type: 'transform', output: '{{ row.name }}/{{ item }}#{{ index }}' }] },
            ],
            output: { branch: '{{ steps.check.output.branch }}', tags: '{{ steps.inner.output.items }}' },
          },
          { id: 'after', type: 'transform', output: '{{ steps.outer.output.count }}' },
        ],
      },
      { rows: [{ name: 'a', n: 1, tags: ['x', 'y'] }, { name: 'b', n: 2, tags: ['z'] }, { name: 'c', n: 3, tags: [] }] },
    );
    const result = await handle.result();
    expect(result.outputs['outer']).toEqual({
      items: [
        { branch: 'else', tags: ['a/x#0', 'a/y#1'] },
        { branch: 'then', tags: ['b/z#0'] },
        { branch: 'then', tags: [] },
      ],
      count: 3,
    });
    expect(result.outputs['after']).toBe(3);
    // Body outputs stay in their iterations: the run's outputs have the loop, not its body.
    expect(Object.keys(result.outputs).sort()).toEqual(['after', 'outer']);
    const inner = await handle.query(loopIterationsQuery, { stepId: 'outer[0].inner' });
    expect(inner.iterations.map((i) => i.steps?.[0]?.output)).toEqual(['a/x#0', 'a/y#1']);
  });

  it('fails with INVALID_INPUT naming the step when items is not an array, without a stuck task', async () => {
    const handle = await h.start({ name: 'bad', trigger: manual, steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', steps: [{ id: 'a', type: 'transform', output: 1 }] }] }, { items: { not: 'an array' } });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { type?: string; message: string };
    expect(cause.type).toBe('INVALID_INPUT');
    expect(cause.message).toContain('foreach loop: items must render to an array, got object');
  });

  it('fails with OUTPUT_TOO_LARGE naming the loop and suggesting output', async () => {
    const handle = await h.start(
      { name: 'big', trigger: manual, steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', steps: [{ id: 'a', type: 'transform', output: '{{ input.blob }}' }] }] },
      { items: Array.from({ length: 40 }, (_, i) => i), blob: 'x'.repeat(10_000) },
    );
    const err = await handle.result().catch((e: unknown) => e);
    const cause = (err as WorkflowFailedError).cause as { type?: string; message: string };
    expect(cause.type).toBe('OUTPUT_TOO_LARGE');
    expect(cause.message).toMatch(/foreach loop .*`output`/);
  });

  it('runs a 10,000-item loop in child batches, no execution above 10,000 events', { timeout: 300_000 }, async () => {
    const items = Array.from({ length: 10_000 }, (_, n) => n);
    const handle = await h.start(
      { name: 'ten thousand', trigger: manual, steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', concurrency: 10, steps: [{ id: 'sq', type: 'transform', output: '{{ item * item }}' }] }] },
      { items },
    );
    const out = (await handle.result()).outputs['loop'] as { items: number[]; count: number };
    expect(out.count).toBe(10_000);
    expect(out.items[9_999]).toBe(9_999 * 9_999);
    expect(out.items.every((v, i) => v === i * i)).toBe(true);
    const sizes = await maxEventsOfRunTree(h.env.client, handle.workflowId);
    expect(sizes.executions).toBeGreaterThan(1);
    expect(sizes.maxEvents).toBeLessThan(10_000);
    const page = await handle.query(loopIterationsQuery, { stepId: 'loop', from: 4_999, limit: 2 });
    expect(page.iterations.map((i) => i.batchWorkflowId)).toEqual([`${handle.workflowId}/loop[4900-4999]`, `${handle.workflowId}/loop[5000-5099]`]);
  });
});
