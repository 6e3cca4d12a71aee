import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { TEMPLATE_PLAIN_PATHS_PATCH } from '../../src/temporal/constants.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';

const manual = { type: 'manual' } as const;

/** The markers a run recorded: name and the text of their details (a patch marker names its id). */
async function markers(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m != null)
    .map((m) => `${m.markerName}: ${Object.values(m.details ?? {}).flatMap((p) => (p.payloads ?? []).map((x) => Buffer.from(x.data ?? []).toString('utf8'))).join(' ')}`);
}

describe('automation interpreter (time-skipping server)', () => {
  let h: InterpreterHarness;
  beforeAll(async () => {
    h = await startInterpreterHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the type of whole templates and interpolates mixed text', async () => {
    const handle = await h.start(
      {
        name: 'types',
        trigger: manual,
        steps: [
          { id: 'n', type: 'transform', output: '{{ input.n }}' },
          { id: 'obj', type: 'transform', output: { doubled: '{{ steps.n.output * 2 }}', text: 'n is {{ input.n }}', tags: '{{ input.tags }}' } },
        ],
      },
      { n: 5, tags: ['a', 'b'] },
    );
    const result = await handle.result();
    expect(result.outputs['n']).toBe(5);
    expect(result.outputs['obj']).toEqual({ doubled: 10, text: 'n is 5', tags: ['a', 'b'] });
    // No parallel steps: plain paths need no patch marker (commands come in program order).
    expect(await markers(handle)).toEqual([]);
  });

  it('branches on conditions, skips steps by when, runs parallel branches and waits durably', async () => {
    const handle = await h.start(
      {
        name: 'flow',
        trigger: manual,
        steps: [
          {
            id: 'check',
            type: 'condition',
            if: "'bug' in input.labels",
            then: [{ id: 'isBug', type: 'transform', output: 'bug' }],
            else: [{ id: 'notBug', type: 'transform', output: 'other' }],
          },
          { id: 'skipped', type: 'transform', when: 'input.n > 100', output: 'never' },
          { id: 'pause', type: 'wait', duration: '2d' },
          {
            id: 'fan',
            type: 'parallel',
            branches: [[{ id: 'left', type: 'transform', output: 'L' }], [{ id: 'right', type: 'transform', output: 'R' }]],
          },
          { id: 'joined', type: 'transform', output: '{{ steps.left.output & steps.right.output & steps.isBug.output }}' },
        ],
      },
      { labels: ['bug', 'ui'], n: 1 },
    );
    const before = Date.now();
    const result = await handle.result();
    expect(result.outputs).toMatchObject({ isBug: 'bug', check: { branch: 'then' }, joined: 'LRbug' });
    // Parallel branches: plain template paths only under the patch (old histories replay with JSONata).
    expect(await markers(handle)).toEqual([expect.stringContaining(TEMPLATE_PLAIN_PATHS_PATCH)]);
    expect(result.outputs['notBug']).toBeUndefined();
    const state = await handle.query(runStateQuery);
    const byId = Object.fromEntries(state.steps.map((s) => [s.id, s]));
    expect(byId['skipped']!.status).toBe('skipped');
    expect(byId['notBug']!.status).toBe('pending');
    expect(byId['pause']!.status).toBe('completed');
    // Two virtual days passed in far less real time.
    expect(Date.now() - before).toBeLessThan(30_000);
    expect(Date.parse((byId['pause']!.output as { waitedUntil: string }).waitedUntil) - Date.parse(byId['pause']!.startedAt!)).toBe(2 * 86_400_000);
  });

  it('fails a step that reads an undefined path with INVALID_INPUT naming the path', async () => {
    const handle = await h.start({ name: 'missing', trigger: manual, steps: [{ id: 'bad', type: 'transform', output: '{{ input.user.name }}' }] }, { n: 1 });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const state = await handle.query(runStateQuery);
    expect(state.status).toBe('failed');
    expect(state.steps[0]).toMatchObject({ id: 'bad', status: 'failed', error: { code: 'INVALID_INPUT' } });
    expect(state.steps[0]!.error!.message).toContain('input.user is undefined');
  });

  it.each([
    ['constructor', '{{ input.constructor }}'],
    ['__proto__', '{{ input.__proto__ }}'],
    ['process', '{{ process.env }}'],
    ['require', "{{ require('child_process') }}"],
    ['$eval', '{{ $eval("1+1") }}'],
    ['lookup of constructor', '{{ $lookup(input, "constructor") }}'],
  ])('fails hostile templates clearly: %s', async (_name, template) => {
    const def = { name: 'hostile', trigger: manual, steps: [{ id: 'evil', type: 'transform', output: template }] };
    // Saving is refused, naming the problem…
    await expect(h.automations.create(def)).rejects.toThrow(/forbidden/);
    // …and a definition that got stored anyway fails the step at run time.
    const handle = await h.start(def, { n: 1 }, { unchecked: true });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await handle.query(runStateQuery);
    expect(state.steps[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' } });
    expect(state.steps[0]!.error!.message).toMatch(/forbidden/);
  });

  it('never evaluates templates found in data', async () => {
    const handle = await h.start({ name: 'data', trigger: manual, steps: [{ id: 'echo', type: 'transform', output: '{{ input.s }}' }] }, { s: '{{ process.env }}' });
    expect((await handle.result()).outputs['echo']).toBe('{{ process.env }}');
  });

  it('continues on error, jumps with goto and stops goto loops at the step budget', async () => {
    const cont = await h.start({
      name: 'continue',
      trigger: manual,
      steps: [
        { id: 'bad', type: 'transform', output: '{{ input.nope }}', onError: 'continue' },
        { id: 'after', type: 'transform', output: '{{ steps.bad.error.code }}' },
      ],
    });
    expect((await cont.result()).outputs['after']).toBe('INVALID_INPUT');

    const jump = await h.start({
      name: 'goto',
      trigger: manual,
      steps: [
        { id: 'bad', type: 'transform', output: '{{ input.nope }}', onError: 'goto:recover' },
        { id: 'skippedByGoto', type: 'transform', output: 'x' },
        { id: 'recover', type: 'transform', output: 'recovered' },
      ],
    });
    const r = await jump.result();
    expect(r.outputs['recover']).toBe('recovered');
    expect(r.outputs['skippedByGoto']).toBeUndefined();

    const loop = await h.start({
      name: 'loop',
      trigger: manual,
      budget: { maxSteps: 20 },
      steps: [{ id: 'again', type: 'transform', output: '{{ input.nope }}', onError: 'goto:again' }],
    });
    await expect(loop.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await loop.query(runStateQuery);
    expect(state.error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
  });

  it('runs AI step types from the open registry with templated fields', async () => {
    const handle = await h.start({
      name: 'ai',
      trigger: manual,
      steps: [
        { id: 'r', type: 'rag_retrieve', index: 'idx-{{ input.n }}', query: 'what is {{ input.n }}', onError: 'continue' },
        { id: 'after', type: 'transform', output: '{{ steps.r.error.message }}' },
      ],
    }, { n: 7 });
    const result = await handle.result();
    expect(String(result.outputs['after'])).toContain('idx-7');
    const state = await handle.query(runStateQuery);
    expect(state.steps.find((s) => s.id === 'r')).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } });
  });

  it('fails clearly when a step output is too large', async () => {
    const handle = await h.start({ name: 'large', trigger: manual, steps: [{ id: 'big', type: 'transform', output: '{{ $pad("", 300000, "x") }}' }] });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await handle.query(runStateQuery);
    expect(state.steps[0]!.error).toMatchObject({ code: 'OUTPUT_TOO_LARGE' });
  });

  it('approval: records the decision as the step output; quorum counts distinct approvers', async () => {
    const handle = await h.start({
      name: 'quorum',
      trigger: manual,
      steps: [
        { id: 'review', type: 'approval', approvers: ['ann', 'bob', 'cy'], quorum: 2, timeout: '1d', onTimeout: 'reject' },
        { id: 'done', type: 'transform', when: "steps.review.output.decision = 'approve'", output: 'shipped' },
      ],
    });
    await waitFor(async () => (await handle.query(runStateQuery)).pendingApprovals.length === 1);
    const first = await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'ann', comment: 'lgtm' }] });
    expect(first).toMatchObject({ approver: 'ann', decision: 'approve', comment: 'lgtm' });
    const rejection = (args: { stepId: string; approver: string }) =>
      handle.executeUpdate(decideApprovalUpdate, { args: [{ ...args, decision: 'approve' }] }).then(
        () => undefined,
        (e: { cause?: { type?: string; message?: string } }) => ({ type: e.cause?.type, message: e.cause?.message }),
      );
    expect(await rejection({ stepId: 'review', approver: 'ann' })).toMatchObject({ type: 'CONFLICT', message: expect.stringMatching(/already decided/) });
    expect(await rejection({ stepId: 'review', approver: 'mallory' })).toMatchObject({ type: 'FORBIDDEN' });
    expect(await rejection({ stepId: 'nope', approver: 'ann' })).toMatchObject({ type: 'NOT_FOUND' });
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'bob' }] });
    const result = await handle.result();
    expect(result.outputs['review']).toMatchObject({ decision: 'approve', approver: 'bob', decisions: [{ approver: 'ann' }, { approver: 'bob' }] });
    expect(result.outputs['done']).toBe('shipped');
    await expect(handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'cy' }] })).rejects.toThrow();
    const steps = (await handle.query(runStateQuery)).steps;
    expect(steps.find((s) => s.id === 'review')).toMatchObject({ status: 'completed', output: { decision: 'approve' } });
  });

  it('continues as new when the history grows long, keeping its state', async () => {
    const steps = Array.from({ length: 12 }, (_, i) => ({ id: `w${i}`, type: 'wait', duration: '1m' }));
    const handle = await h.start({ name: 'long', trigger: manual, steps: [{ id: 'first', type: 'transform', output: '{{ input.n }}' }, ...steps, { id: 'last', type: 'transform', output: '{{ steps.first.output + 1 }}' }] }, { n: 41 }, { historyLimit: 20 });
    const result = await handle.result();
    expect(result.outputs['last']).toBe(42);
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(handle.firstExecutionRunId);
    const state = await handle.query(runStateQuery);
    expect(state.steps.filter((s) => s.status === 'completed')).toHaveLength(14);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
