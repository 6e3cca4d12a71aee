/**
 * try/catch/finally, switch and stop on the time-skipping server, with real connector
 * actions (http and Slack connectors against local fakes on 127.0.0.1).
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { waitFor } from '../support/runs.ts';

const manual = { type: 'manual' } as const;

describe('block steps: try, switch, stop (time-skipping server)', () => {
  let h: InterpreterHarness;
  let api: FakeServer;
  let slackApi: FakeServer;
  let http: string;
  let slack: string;
  /** Texts posted to the Slack fake, in order. */
  const posted = (): string[] => slackApi.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
  const post = (id: string, text: string) => ({ id, type: 'action', connection: slack, action: 'send_message', input: { channel: '#ops', text } });

  beforeAll(async () => {
    // The upstream API is down: every call answers 503 (a retryable UPSTREAM_5XX).
    api = await fakeServer((_req, res) => sendJson(res, 503, { error: 'maintenance' }));
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C1', ts: String(Date.now()) }));
    h = await startInterpreterHarness({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    http = await h.createConnection('http', {}, { baseUrl: api.url });
    slack = await h.createConnection('slack', { botToken: 'xoxb-test' }, { baseUrl: slackApi.url });
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
    await slackApi?.close();
  });

  it('catches a failing action after its retries, posts the error code, runs finally and goes on', async () => {
    slackApi.requests.length = 0;
    const handle = await h.start({
      name: 'try-catch',
      trigger: manual,
      steps: [
        {
          id: 'guard',
          type: 'try',
          steps: [
            { id: 'sync', type: 'action', connection: http, action: 'request', input: { method: 'POST', url: '/orders' }, retry: { maxAttempts: 2, initialInterval: '1s' } },
            { id: 'never', type: 'transform', output: 'not reached' },
          ],
          catch: [post('report', 'failed: {{ error.code }} in {{ error.step }}')],
          finally: [post('release', 'lock released')],
        },
        { id: 'after', type: 'transform', output: '{{ steps.guard.output.error.code }}' },
      ],
    });
    const result = await handle.result();
    expect(api.requests.filter((r) => r.url === '/orders')).toHaveLength(2);
    expect(posted()).toEqual(['failed: UPSTREAM_5XX in sync', 'lock released']);
    expect(result.outputs['guard']).toMatchObject({ caught: true, error: { code: 'UPSTREAM_5XX', step: 'sync' } });
    expect(result.outputs['after']).toBe('UPSTREAM_5XX');
    expect(result.outputs['never']).toBeUndefined();
    const state = await handle.query(runStateQuery);
    expect(state.steps.find((s) => s.id === 'sync')).toMatchObject({ status: 'failed', error: { code: 'UPSTREAM_5XX' } });
    expect(state.steps.find((s) => s.id === 'guard')).toMatchObject({ status: 'completed' });
  });

  it('without catch, runs finally and fails the run with the step error', async () => {
    slackApi.requests.length = 0;
    const handle = await h.start({
      name: 'try-finally',
      trigger: manual,
      steps: [
        {
          id: 'guard',
          type: 'try',
          steps: [{ id: 'sync', type: 'action', connection: http, action: 'request', input: { url: '/x' }, retry: { maxAttempts: 1 } }],
          finally: [post('release', 'released after {{ steps.sync.output ? "success" : "failure" }}')],
        },
        { id: 'after', type: 'transform', output: 'not reached' },
      ],
    });
    const err = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'UPSTREAM_5XX' });
    expect(posted()).toEqual(['released after failure']);
    const state = await handle.query(runStateQuery);
    expect(state.steps.find((s) => s.id === 'after')!.status).toBe('pending');
  });

  it('runs finally when the run is cancelled while parked inside try, and ends cancelled', async () => {
    slackApi.requests.length = 0;
    const handle = await h.start({
      name: 'try-cancel',
      trigger: manual,
      steps: [
        {
          id: 'guard',
          type: 'try',
          steps: [{ id: 'review', type: 'approval', approvers: ['lead'], timeout: '3d', onTimeout: 'reject' }],
          catch: [post('report', 'caught {{ error.code }}')],
          finally: [post('release', 'cleanup of {{ run.name }}')],
        },
        { id: 'after', type: 'transform', output: 'not reached' },
      ],
    });
    await waitFor(async () => (await handle.query(runStateQuery)).pendingApprovals.length > 0, 'the run to park on the approval');
    await handle.cancel();
    const err = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    // The cleanup action ran (catch does not swallow a cancellation).
    expect(posted()).toEqual(['cleanup of try-cancel']);
    const state = await handle.query(runStateQuery);
    const byId = Object.fromEntries(state.steps.map((s) => [s.id, s]));
    expect(byId['release']).toMatchObject({ status: 'completed' });
    expect(byId['review']).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(byId['report']!.status).toBe('pending');
    expect(byId['after']!.status).toBe('pending');
    const closed = (await handle.fetchHistory()).events!.at(-1)!;
    expect(closed.workflowExecutionCanceledEventAttributes).toBeTruthy();
  });

  it('nests: an inner try without catch passes the innermost failing step to the outer catch, whose nested blocks see error', async () => {
    const handle = await h.start({
      name: 'nested-try',
      trigger: manual,
      steps: [
        {
          id: 'outer',
          type: 'try',
          steps: [{ id: 'inner', type: 'try', steps: [{ id: 'route', type: 'switch', value: '{{ input.kind }}', cases: [{ equals: 'x', steps: [{ id: 'bad', type: 'transform', output: '{{ input.missing }}' }] }] }], finally: [{ id: 'innerDone', type: 'transform', output: 'inner finally' }] }],
          catch: [
            {
              id: 'kind',
              type: 'switch',
              value: '{{ error.code }}',
              cases: [{ equals: 'INVALID_INPUT', steps: [{ id: 'seen', type: 'transform', output: '{{ error.step }}: {{ error.code }}', when: "error.step = 'bad'" }] }],
            },
          ],
        },
      ],
    }, { kind: 'x' });
    const result = await handle.result();
    expect(result.outputs).toMatchObject({ innerDone: 'inner finally', kind: { case: 0 }, seen: 'bad: INVALID_INPUT', outer: { caught: true, error: { step: 'bad', code: 'INVALID_INPUT' } } });
    // `error` is only in scope inside catch.
    const outside = await h.start({ name: 'no-error-scope', trigger: manual, steps: [{ id: 'peek', type: 'transform', output: '{{ error.code }}', onError: 'continue' }] });
    await outside.result();
    expect((await outside.query(runStateQuery)).steps[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' } });
  });

  it('switches on a priority field: the matching case, and default otherwise', async () => {
    const def = {
      name: 'route',
      trigger: manual,
      steps: [
        {
          id: 'route',
          type: 'switch',
          value: '{{ input.ticket.priority }}',
          cases: [
            { equals: 'P1', steps: [{ id: 'page', type: 'transform', output: 'paged {{ input.ticket.id }}' }] },
            { equals: 'P2', steps: [{ id: 'queue', type: 'transform', output: 'queued' }] },
            { equals: { level: 3, team: 'ops' }, steps: [{ id: 'ops', type: 'transform', output: 'ops' }] },
          ],
          default: [{ id: 'backlog', type: 'transform', output: 'backlog' }],
        },
      ],
    };
    const p1 = await (await h.start(def, { ticket: { id: 7, priority: 'P1' } })).result();
    expect(p1.outputs).toMatchObject({ route: { case: 0, equals: 'P1' }, page: 'paged 7' });
    expect(p1.outputs['backlog']).toBeUndefined();
    const deep = await (await h.start(def, { ticket: { id: 8, priority: { team: 'ops', level: 3 } } })).result();
    expect(deep.outputs).toMatchObject({ route: { case: 2 }, ops: 'ops' });
    const other = await (await h.start(def, { ticket: { id: 9, priority: 'P4' } })).result();
    expect(other.outputs).toMatchObject({ route: { case: 'default' }, backlog: 'backlog' });
    expect(other.outputs['page']).toBeUndefined();
  });

  it('stops a run as completed with its output, running finally of the blocks it leaves', async () => {
    slackApi.requests.length = 0;
    const handle = await h.start(
      {
        name: 'stop-completed',
        trigger: manual,
        steps: [
          {
            id: 'guard',
            type: 'try',
            steps: [{ id: 'early', type: 'stop', status: 'completed', when: 'input.done', output: { answer: '{{ input.n * 2 }}' }, reason: 'nothing to do' }],
            catch: [post('report', 'caught')],
            finally: [post('release', 'released')],
          },
          { id: 'after', type: 'transform', output: 'not reached' },
        ],
      },
      { done: true, n: 21 },
    );
    const result = await handle.result();
    expect(result.stopped).toEqual({ stepId: 'early', output: { answer: 42 }, reason: 'nothing to do' });
    expect(result.outputs['after']).toBeUndefined();
    expect(posted()).toEqual(['released']);
    const state = await handle.query(runStateQuery);
    expect(state.status).toBe('completed');
    expect(state.steps.find((s) => s.id === 'early')).toMatchObject({ status: 'completed', output: { status: 'completed', output: { answer: 42 } } });
  });

  it('stops a run as failed with code STOPPED and the rendered reason', async () => {
    const handle = await h.start({ name: 'stop-failed', trigger: manual, steps: [{ id: 'quit', type: 'stop', status: 'failed', reason: 'order {{ input.id }} is a duplicate' }, { id: 'after', type: 'transform', output: 1 }] }, { id: 'o-1' });
    const err = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'STOPPED', message: expect.stringContaining('order o-1 is a duplicate') });
    const state = await handle.query(runStateQuery);
    expect(state).toMatchObject({ status: 'failed', error: { code: 'STOPPED' } });
  });

  it('lets a goto leave a try block (after its finally) and does not catch an exhausted step budget', async () => {
    slackApi.requests.length = 0;
    const jump = await h.start({
      name: 'try-goto',
      trigger: manual,
      steps: [
        {
          id: 'guard',
          type: 'try',
          steps: [{ id: 'bad', type: 'transform', output: '{{ input.missing }}', onError: 'goto:out' }],
          catch: [post('report', 'caught')],
          finally: [post('release', 'released')],
        },
        { id: 'skipped', type: 'transform', output: 'skipped' },
        { id: 'out', type: 'transform', output: 'out' },
      ],
    });
    const result = await jump.result();
    expect(result.outputs).toMatchObject({ out: 'out' });
    expect(result.outputs['skipped']).toBeUndefined();
    expect(posted()).toEqual(['released']);

    const loop = await h.start({
      name: 'try-budget',
      trigger: manual,
      budget: { maxSteps: 20 },
      steps: [{ id: 'guard', type: 'try', steps: [{ id: 'again', type: 'transform', output: '{{ input.nope }}', onError: 'goto:again' }], catch: [{ id: 'c', type: 'transform', output: 'caught' }] }],
    });
    await expect(loop.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await loop.query(runStateQuery)).error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
  });
});
