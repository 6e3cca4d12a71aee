/**
 * Acceptance on the time-skipping server: an unanswered approval with a 3-day
 * timeout takes its onTimeout path after 3 virtual days and sends exactly one
 * reminder, a day before the deadline, through a real connector action (Slack fake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderTimes } from '../../workflows/automation/steps/approval.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { waitFor } from '../support/runs.ts';

const DAY = 86_400_000;

describe('approval timeout and reminders (time-skipping server)', () => {
  let h: InterpreterHarness;
  let slackApi: FakeServer;
  let slack: string;
  beforeAll(async () => {
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C1', ts: String(Date.now()) }));
    h = await startInterpreterHarness({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    slack = await h.createConnection('slack', { botToken: 'xoxb-test' }, { baseUrl: slackApi.url });
  });
  afterAll(async () => {
    await h?.close();
    await slackApi?.close();
  });

  it('times out after 3 virtual days into its goto path, with one reminder a day before', async () => {
    const wallStart = Date.now();
    const handle = await h.start({
      name: 'timeout',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['lead'],
          timeout: '3d',
          remind: { every: '1d', before: '1d', action: { connection: slack, action: 'send_message', input: { channel: '#ops', text: 'still waiting: {{ $now() }}' } } },
          onTimeout: 'goto:escalate',
        },
        { id: 'ship', type: 'transform', output: 'shipped' },
        { id: 'escalate', type: 'transform', when: 'steps.review.output.timedOut', output: 'escalated at {{ $now() }}' },
      ],
    });
    const result = await handle.result();
    expect(result.outputs['ship']).toBeUndefined();
    expect(result.outputs['review']).toMatchObject({ decision: 'timeout', timedOut: true, remindersSent: 1 });
    const state = await handle.query(runStateQuery);
    const review = state.steps.find((s) => s.id === 'review')!;
    const started = Date.parse(review.startedAt!);
    const escalatedAt = Date.parse(String(result.outputs['escalate']).replace('escalated at ', ''));
    expect(escalatedAt - started).toBeGreaterThanOrEqual(3 * DAY);
    expect(escalatedAt - started).toBeLessThan(3 * DAY + 60_000);
    // Exactly one message reached Slack, sent a day before the deadline.
    expect(slackApi.requests).toHaveLength(1);
    const text = (JSON.parse(slackApi.requests[0]!.body) as { text: string }).text;
    const remindedAfter = Date.parse(text.replace('still waiting: ', '')) - started;
    expect(remindedAfter).toBeGreaterThanOrEqual(2 * DAY);
    expect(remindedAfter).toBeLessThan(2 * DAY + 60_000);
    expect(Date.now() - wallStart).toBeLessThan(30_000);
  });

  it('escalates after a day: the escalation approver is refused before, may decide after, and the notice is sent once', async () => {
    const before = slackApi.requests.length;
    const handle = await h.start({
      name: 'escalation',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['lead'],
          timeout: '3d',
          escalate: {
            after: '1d',
            approvers: ['manager'],
            action: { connection: slack, action: 'send_message', input: { channel: '#ops', text: 'escalated at {{ $now() }} {{ run.approvalLinks.review.manager.approve }}' } },
          },
          onTimeout: 'reject',
        },
      ],
    });
    await waitFor(async () => ((await handle.query(runStateQuery)).pendingApprovals.length === 1 ? true : undefined), 'the approval to wait');
    const decide = (approver: string) =>
      handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver }] }).then(
        (d) => ({ ok: true as const, d }),
        (e: { cause?: { type?: string } }) => ({ ok: false as const, type: e.cause?.type }),
      );
    expect(await decide('manager')).toEqual({ ok: false, type: 'FORBIDDEN' });
    expect(slackApi.requests).toHaveLength(before);

    await h.env.sleep('25h');
    await waitFor(async () => slackApi.requests.length > before || undefined, 'the escalation notice');
    const pending = (await handle.query(runStateQuery)).pendingApprovals[0];
    expect(pending).toMatchObject({ approvers: ['lead', 'manager'], escalatedAt: expect.any(String) });
    expect(await decide('manager')).toMatchObject({ ok: true, d: { approver: 'manager', decision: 'approve' } });

    const result = await handle.result();
    expect(result.outputs['review']).toMatchObject({ decision: 'approve', approver: 'manager', escalated: true, remindersSent: 0 });
    expect(slackApi.requests).toHaveLength(before + 1);
    const text = (JSON.parse(slackApi.requests[before]!.body) as { text: string }).text;
    const [, at, link] = /^escalated at (\S+) (\S+)$/.exec(text)!;
    const started = Date.parse((await handle.query(runStateQuery)).steps[0]!.startedAt!);
    expect(Date.parse(at!) - started).toBeGreaterThanOrEqual(DAY);
    expect(Date.parse(at!) - started).toBeLessThan(DAY + 60_000);
    expect(link).toMatch(/^https?:\/\/.+/);
  });

  it('onTimeout approve / fail', async () => {
    const approve = await h.start({ name: 'auto-approve', trigger: { type: 'manual' }, steps: [{ id: 'r', type: 'approval', timeout: '2h', onTimeout: 'approve' }] });
    expect((await approve.result()).outputs['r']).toMatchObject({ decision: 'approve', approver: 'system:timeout', timedOut: true });
    const fail = await h.start({ name: 'fail', trigger: { type: 'manual' }, steps: [{ id: 'r', type: 'approval', timeout: '2h', onTimeout: 'fail' }] });
    await expect(fail.result()).rejects.toThrow();
    expect((await fail.query(runStateQuery)).steps[0]).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
  });
});

describe('reminderTimes', () => {
  it('places reminders between the start and the deadline', () => {
    expect(reminderTimes(0, 3 * DAY, { every: '1d', before: '1d', action: { connection: 'c', action: 'a' } })).toEqual([2 * DAY]);
    expect(reminderTimes(0, 3 * DAY, { every: '1d', action: { connection: 'c', action: 'a' } })).toEqual([DAY, 2 * DAY]);
    expect(reminderTimes(0, 3 * DAY, { before: '6h', action: { connection: 'c', action: 'a' } })).toEqual([3 * DAY - 6 * 3_600_000]);
    expect(reminderTimes(0, 3 * DAY, undefined)).toEqual([]);
  });
});
