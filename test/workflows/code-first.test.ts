/**
 * switchboard/workflow on the time-skipping server with the real activities, a real
 * SQLite database and a Slack fake: each helper call is a step of the run state, the
 * approval is decided through the same update as the approval step's, repeated ids are
 * the step's next visits, and bad calls fail their step with the interpreter's codes.
 */
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { waitFor } from '../support/runs.ts';

const workflowsPath = new URL('./fixtures/code-first.workflow.ts', import.meta.url).pathname;

describe('switchboard/workflow helpers (time-skipping server)', () => {
  let h: InterpreterHarness;
  let slackApi: FakeServer;
  let slack: string;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `code-first-${Date.now()}`;
  beforeAll(async () => {
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C1', ts: '1.2' }));
    h = await startInterpreterHarness({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    slack = await h.createConnection('slack', { botToken: 'xoxb-code-first-secret' }, { baseUrl: slackApi.url });
    worker = await Worker.create({ connection: h.env.nativeConnection, taskQueue, workflowsPath, activities: h.activities });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await h?.close();
    await slackApi?.close();
  });

  const start = (type: string, input: unknown, id = `${type}-${Math.random().toString(36).slice(2, 8)}`) =>
    h.env.client.workflow.start(type, { taskQueue, workflowId: `run:workflow:${id}`, args: [input] });

  it('parks on an approval in the run state, is decided by the update, then sends the message', async () => {
    const handle = await start('refundFlow', { connection: slack, amount: 120 });
    const waiting = await waitFor(async () => {
      const s = await handle.query(runStateQuery);
      return s.pendingApprovals.length ? s : undefined;
    }, 'the approval to park');
    expect(waiting).toMatchObject({ automationId: 'workflow:refundFlow', name: 'refundFlow', status: 'waiting_approval' });
    expect(waiting.pendingApprovals[0]).toMatchObject({ stepId: 'finance', approvers: ['ada'], title: 'Refund 120?' });
    const refused = await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'finance', decision: 'approve', approver: 'bob' }] }).catch((e: { cause?: ApplicationFailure }) => e.cause);
    expect(refused).toMatchObject({ type: 'FORBIDDEN', message: expect.stringMatching(/may not decide/) });
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'finance', decision: 'approve', approver: 'ada', comment: 'ok' }] });
    const result = (await handle.result()) as { refunded: boolean };
    expect(result.refunded).toBe(true);
    const last = JSON.parse(slackApi.requests.at(-1)!.body) as { text: string };
    expect(last.text).toBe('refund of 120 approved by ada');
    const state = await handle.query(runStateQuery);
    expect(state.steps.map((s) => [s.id, s.type, s.status])).toEqual([
      ['finance', 'approval', 'completed'],
      ['notify', 'action', 'completed'],
    ]);
    expect(state.steps[0]!.output).toMatchObject({ decision: 'approve', approver: 'ada', comment: 'ok' });
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain('xoxb-code-first-secret');
  });

  it('runs a repeated id as the next visit of the step, with its own activity id', async () => {
    const handle = await start('repeatedFlow', { connection: slack, times: 3 });
    expect(await handle.result()).toBe(3);
    const history = await handle.fetchHistory();
    const ids = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityId] : []));
    expect(ids).toEqual(['ping', 'ping.2', 'ping.3']);
    const state = await handle.query(runStateQuery);
    expect(state.steps).toHaveLength(1);
    expect(state.steps[0]).toMatchObject({ id: 'ping', status: 'completed' });
  });

  it.each([
    ['action', 'broken', 'INVALID_INPUT'],
    ['input', 'bad-input', 'INVALID_INPUT'],
    ['id', undefined, 'CONFIG_INVALID'],
    ['connection', 'missing', 'NOT_FOUND'],
  ])('a bad call (%s) fails the run with the step id and the interpreter code', async (which, stepId, code) => {
    const handle = await start('badCallFlow', { connection: slack, which });
    const err = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe(code);
    if (stepId) expect(cause.message).toContain(`step ${stepId}`);
    else expect(cause.message).toContain('not an id');
  });

  it('numbers steps without an id by call position, and a caught failure leaves the run going', async () => {
    const handle = await start('defaultIdsFlow', { connection: slack });
    const result = (await handle.result()) as { caught: string; message: string };
    expect(result.caught).toBe('INVALID_INPUT');
    expect(result.message).toContain('step action-2');
    const state = await handle.query(runStateQuery);
    expect(state.steps.map((s) => [s.id, s.status])).toEqual([
      ['action-1', 'completed'],
      ['action-2', 'failed'],
    ]);
  });
});
