import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAutomation, startRun, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('run reads never hang', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 503 RUN_STATE_UNAVAILABLE within seconds when no worker answers the run query', async () => {
    const { id } = await createAutomation(stack, { name: 'unattended', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1 }] });
    const started = await startRun(stack, id, {});
    expect(started.status).toBe(202);
    const t = Date.now();
    const res = await stack.api(`/api/v1/runs/${encodeURIComponent(started.body.workflowId)}`);
    expect(Date.now() - t).toBeLessThan(8_000);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RUN_STATE_UNAVAILABLE');
    expect(body.error.message).toMatch(/no worker answered/);
  });

  it('a runaway template ends its run: the run reads as failed with INVALID_INPUT on the step', async () => {
    await stack.startWorker();
    const { id } = await createAutomation(stack, {
      name: 'runaway',
      trigger: { type: 'manual' },
      steps: [{ id: 'loop', type: 'transform', output: '{{ ($f := function($x){ $f($x) }; $f(1)) }}' }],
    });
    const started = await startRun(stack, id, {});
    const run = await waitForRun(stack, started.body.workflowId, (r) => r.status === 'failed', 'the runaway run to fail', 45_000);
    expect(run.steps[0]).toMatchObject({ id: 'loop', status: 'failed', error: { code: 'INVALID_INPUT' } });
    expect(run.steps[0]!.error!.message).toMatch(/evaluation budget/);
  });
});
