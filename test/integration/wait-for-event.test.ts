/**
 * `wait_for_event` on the real dev server: runs park until a GitHub-signed delivery of
 * `github.pull_request.closed` with their PR number arrives — signalled at intake with or
 * without subscribers, by the event workflow for `emitEvent` — and through test events; other PR numbers resume nothing, a redelivery resumes
 * nothing twice, an event delivered while the worker is down resumes on its return, and
 * a wait times out into `onTimeout: continue`.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { SwitchboardClient } from '../../src/client/index.ts';
import { EventWait } from '../../src/db/entities/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun, type RunBody } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'wait-secret';

/** A pull_request webhook body shaped like GitHub's (trimmed to the fields that matter plus some noise). */
function pullRequestBody(action: 'opened' | 'closed', number: number, merged = false): string {
  return JSON.stringify({
    action,
    number,
    pull_request: {
      url: `https://api.github.com/repos/acme/widgets/pulls/${number}`,
      html_url: `https://github.com/acme/widgets/pull/${number}`,
      id: 1_000_000 + number,
      number,
      state: action === 'closed' ? 'closed' : 'open',
      title: `Change ${number}`,
      user: { login: 'octocat', id: 1 },
      merged,
      merged_at: merged ? '2026-12-06T12:00:00Z' : null,
      head: { ref: `feature-${number}`, sha: 'a'.repeat(40) },
      base: { ref: 'main', sha: 'b'.repeat(40) },
    },
    repository: { id: 42, name: 'widgets', full_name: 'acme/widgets', private: false },
    sender: { login: 'octocat', id: 1 },
  });
}

type RunWithWaits = RunBody & { waitingFor?: { stepId: string; event: string; key: string; deadline: string }[] };

describe('wait_for_event', () => {
  let stack: TestStack;
  let github: string;
  let reviews: string;

  beforeAll(async () => {
    stack = await startTestStack();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    reviews = (
      await createAutomation(stack, {
        name: 'wait for the PR to close',
        trigger: { type: 'webhook', connection: github, events: ['github.pull_request.opened'] },
        steps: [
          {
            id: 'closed',
            type: 'wait_for_event',
            event: 'github.pull_request.closed',
            key: '{{ trigger.payload.pull_request.number }}',
            eventKey: 'payload.pull_request.number',
            timeout: '2m',
            onTimeout: 'continue',
          },
          { id: 'report', type: 'transform', output: { merged: '{{ steps.closed.output.payload.pull_request.merged }}', number: '{{ steps.closed.output.payload.number }}' } },
        ],
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  async function post(action: 'opened' | 'closed', number: number, delivery = randomUUID(), merged = false) {
    const body = pullRequestBody(action, number, merged);
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
    return { ...res, delivery };
  }

  const runOf = (automationId: string, delivery: string) => runWorkflowId(automationId, eventWorkflowId('github', github, delivery));
  const parked = (workflowId: string) =>
    waitForRun(stack, workflowId, (r) => r.status === 'waiting_event', `${workflowId} to park`) as Promise<RunWithWaits>;
  const signalsOf = async (workflowId: string) =>
    ((await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  /** The local activities a run recorded (markers), by activity type. */
  const localActivitiesOf = async (workflowId: string) =>
    ((await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).flatMap((e) => {
      const a = e.markerRecordedEventAttributes;
      const data = a?.markerName === 'core_local_activity' ? a.details?.['data']?.payloads?.[0]?.data : undefined;
      return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
    });
  const eventWorkflowDone = (delivery: string) =>
    stack.services.temporal.client.workflow.getHandle(eventWorkflowId('github', github, delivery)).result();

  it('resumes both runs waiting on a PR number, once, and only for that number (no subscriber: signalled at intake)', { timeout: 120_000 }, async () => {
    const a = await post('opened', 101);
    const b = await post('opened', 101);
    expect([a.status, b.status]).toEqual([202, 202]);
    const runA = runOf(reviews, a.delivery);
    const runB = runOf(reviews, b.delivery);
    const view = await parked(runA);
    await parked(runB);
    expect(view.waitingFor).toEqual([{ stepId: 'closed', event: 'github.pull_request.closed', key: '101', deadline: expect.stringMatching(/^\d{4}-/) }]);
    expect(Date.parse(view.waitingFor![0]!.deadline) - Date.now()).toBeGreaterThan(60_000);

    // Another PR closes: its event workflow finds nobody waiting on 102.
    const other = await post('closed', 102);
    expect(other.status).toBe(202);
    expect(await eventWorkflowDone(other.delivery)).toMatchObject({ runs: [] });
    expect((await getRun(stack, runA))!.status).toBe('waiting_event');
    expect((await getRun(stack, runB))!.status).toBe('waiting_event');

    const closed = await post('closed', 101, randomUUID(), true);
    expect(closed.status).toBe(202);
    // Signalled at intake, and nothing subscribes: the runs' histories hold the event and a
    // row records the delivery; no event workflow is started for it.
    expect(closed.json).toEqual({ eventId: closed.delivery, resumed: expect.any(Array) });
    expect((closed.json['resumed'] as string[]).toSorted()).toEqual([runA, runB].toSorted());
    const eventId = eventWorkflowId('github', github, closed.delivery);
    await expect(stack.services.temporal.client.workflow.getHandle(eventId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    for (const id of [runA, runB]) {
      const done = await waitForRun(stack, id, (r) => r.status === 'completed', `${id} to complete`);
      expect(done.result!.outputs['report']).toEqual({ merged: true, number: 101 });
      expect(done.result!.outputs['closed']).toMatchObject({ type: 'github.pull_request.closed', deliveryId: closed.delivery, connectionId: github, payload: { number: 101 } });
      expect(done.steps.map((s) => [s.id, s.status])).toEqual([['closed', 'completed'], ['report', 'completed']]);
    }
    // The same delivery again: its record answers with the same ids, nothing is signalled twice.
    const again = await post('closed', 101, closed.delivery, true);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ duplicate: true, eventId: closed.delivery, resumed: closed.json['resumed'] });
    expect(await signalsOf(runA)).toBe(1);
    expect(await signalsOf(runB)).toBe(1);
    // The events API lists the record like any delivery: payload, the runs it resumed, its duplicate.
    const one = (await (await stack.api(`/api/v1/events/${encodeURIComponent(eventId)}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id: eventId, deliveryId: closed.delivery, type: 'github.pull_request.closed', connectionId: github, noSubscriber: true, runs: [], duplicates: 1, payload: { number: 101 } });
    expect((one['resumed'] as string[]).toSorted()).toEqual([runA, runB].toSorted());
    const listed = (await (await stack.api(`/api/v1/events?connectionId=${github}&type=github.pull_request.closed`)).json()) as { items: { id: string; resumed?: string[] }[] };
    expect(listed.items.find((e) => e.id === eventId)?.resumed?.toSorted()).toEqual([runA, runB].toSorted());
    // The other PR's delivery (an event workflow) is listed beside it, newest first.
    expect(listed.items.map((e) => e.id).filter((id) => id === eventId || id === eventWorkflowId('github', github, other.delivery))).toEqual([eventId, eventWorkflowId('github', github, other.delivery)]);
    // Redelivered from the record to today's subscribers: none, so no run.
    const redelivered = await stack.api(`/api/v1/events/${encodeURIComponent(eventId)}/redeliver`, { method: 'POST' });
    expect(redelivered.status).toBe(202);
    expect(await redelivered.json()).toEqual({ eventId, runs: [] });
    // Finished waits leave no registration behind: intake removed them after its signals
    // (no `if`: the first delivery resumes), so the runs spent no local activity on it.
    expect(await stack.services.orm.em.fork().count(EventWait, { workflowId: { $in: [runA, runB] } })).toBe(0);
    for (const id of [runA, runB]) expect(await localActivitiesOf(id)).toEqual(['registerEventWait']);
  });

  it('resumes a waiter from intake routing when the closing event has subscribers, once across redeliveries', { timeout: 120_000 }, async () => {
    const opened = await post('opened', 201);
    const run = runOf(reviews, opened.delivery);
    await parked(run);
    const logging = await createTestConnection(stack.services, 'logging', {});
    const subscriber = await createAutomation(stack, {
      name: 'log closed PRs',
      trigger: { type: 'webhook', connection: github, events: ['github.pull_request.closed'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'closed {{ trigger.payload.number }}' } }],
    });
    try {
      const closed = await post('closed', 201);
      expect(closed.status).toBe(202);
      expect((closed.json as { runs: { automationId: string }[] }).runs.map((r) => r.automationId)).toEqual([subscriber.id]);
      const done = await waitForRun(stack, run, (r) => r.status === 'completed', 'the waiter to complete');
      expect(done.result!.outputs['report']).toEqual({ merged: false, number: 201 });
      const again = await post('closed', 201, closed.delivery);
      expect(again.status).toBe(200);
      expect(await signalsOf(run)).toBe(1);
      expect((await getRun(stack, run))!.steps.filter((s) => s.status === 'completed')).toHaveLength(2);
    } finally {
      await stack.api(`/api/v1/automations/${subscriber.id}`, { method: 'DELETE' });
    }
  });

  it('resumes a waiter from the event workflow for an emitted event, once when emitted twice', { timeout: 120_000 }, async () => {
    const opened = await post('opened', 401);
    const run = runOf(reviews, opened.delivery);
    await parked(run);
    const sb = new SwitchboardClient({ temporal: stack.services.temporal.client, taskQueue: stack.services.temporal.taskQueue });
    const input = { type: 'github.pull_request.closed', connector: 'github', connectionId: github, id: `emitted-${randomUUID()}`, payload: JSON.parse(pullRequestBody('closed', 401, true)) };
    const first = await sb.emitEvent(input);
    expect(await stack.services.temporal.client.workflow.getHandle(first.workflowId).result()).toMatchObject({ runs: [], resumed: [run] });
    const done = await waitForRun(stack, run, (r) => r.status === 'completed', 'the waiter to complete');
    expect(done.result!.outputs['report']).toEqual({ merged: true, number: 401 });
    expect((await sb.emitEvent(input)).duplicate).toBe(true);
    expect(await signalsOf(run)).toBe(1);
    // Signalled by the event workflow: the run removes its registration itself.
    expect(await localActivitiesOf(run)).toEqual(['registerEventWait', 'clearEventWait']);
    expect(await stack.services.orm.em.fork().count(EventWait, { workflowId: run })).toBe(0);
  });

  it('hands an event delivered while the worker is down to the waiter when the worker is back', { timeout: 120_000 }, async () => {
    const opened = await post('opened', 301);
    const run = runOf(reviews, opened.delivery);
    await parked(run);
    await stack.stopWorker();
    let closed;
    try {
      closed = await post('closed', 301);
      expect(closed.status).toBe(202);
    } finally {
      await stack.startWorker();
    }
    const done = await waitForRun(stack, run, (r) => r.status === 'completed', 'the waiter to complete after the restart', 60_000);
    expect(done.result!.outputs['closed']).toMatchObject({ deliveryId: closed.delivery });
  });

  it('times out into onTimeout: continue, and fails with TIMEOUT otherwise', { timeout: 120_000 }, async () => {
    const waiter = (onTimeout: 'continue' | 'fail') =>
      createAutomation(stack, {
        name: `short wait ${onTimeout}`,
        trigger: { type: 'manual' },
        steps: [
          { id: 'closed', type: 'wait_for_event', event: 'github.pull_request.closed', key: '{{ input.pr }}', eventKey: 'payload.number', timeout: '2s', onTimeout },
          { id: 'after', type: 'transform', output: { timedOut: '{{ steps.closed.output.timedOut }}' } },
        ],
      });
    const [cont, fail] = await Promise.all([waiter('continue'), waiter('fail')]);
    const a = await startRun(stack, cont.id, { pr: 999_001 });
    const b = await startRun(stack, fail.id, { pr: 999_001 });
    const done = await waitForRun(stack, a.body.workflowId, (r) => r.status === 'completed', 'the continue run');
    expect(done.result!.outputs).toEqual({ closed: { timedOut: true }, after: { timedOut: true } });
    const failed = await waitForRun(stack, b.body.workflowId, (r) => r.status === 'failed', 'the fail run');
    expect(failed.steps[0]).toMatchObject({ id: 'closed', status: 'failed', error: { code: 'TIMEOUT' } });
    expect(await stack.services.orm.em.fork().count(EventWait, { workflowId: { $in: [a.body.workflowId, b.body.workflowId] } })).toBe(0);
  });

  it('a cancelled run removes its registration', { timeout: 60_000 }, async () => {
    const opened = await post('opened', 501);
    const run = runOf(reviews, opened.delivery);
    await parked(run);
    const waits = () => stack.services.orm.em.fork().count(EventWait, { workflowId: run });
    expect(await waits()).toBe(1);
    await stack.services.temporal.client.workflow.getHandle(run).cancel();
    await waitFor(async () => (await waits()) === 0, 'the registration to go');
    const closed = await post('closed', 501);
    expect(closed.status).toBe(202);
    expect(await eventWorkflowDone(closed.delivery)).toMatchObject({ runs: [] });
    expect(await signalsOf(run)).toBe(0);
  });

  it('a test event resumes a waiter, and `if` refuses events that do not pass it', { timeout: 120_000 }, async () => {
    const logging = await createTestConnection(stack.services, 'logging', {});
    const subscriber = await createAutomation(stack, {
      name: 'log closed PRs (test events)',
      trigger: { type: 'webhook', connection: github, events: ['github.pull_request.closed'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'closed' } }],
    });
    const waiter = await createAutomation(stack, {
      name: 'wait for a merge',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'merged',
          type: 'wait_for_event',
          event: 'github.pull_request.*',
          connection: github,
          key: '{{ input.pr }}',
          eventKey: 'payload.pull_request.number',
          if: 'event.payload.pull_request.merged = true and event.payload.repository.full_name = input.repo',
          timeout: '2m',
        },
      ],
    });
    try {
      const started = await startRun(stack, waiter.id, { pr: 555, repo: 'acme/widgets' });
      await parked(started.body.workflowId);
      const send = (merged: boolean) =>
        stack.api(`/api/v1/automations/${subscriber.id}/test-event`, { method: 'POST', json: { type: 'github.pull_request.closed', payload: JSON.parse(pullRequestBody('closed', 555, merged)) } });
      const unmerged = await send(false);
      expect(unmerged.status).toBe(202);
      await waitFor(async () => (await signalsOf(started.body.workflowId)) === 1, 'the first signal');
      expect((await getRun(stack, started.body.workflowId))!.status).toBe('waiting_event');
      const merged = await send(true);
      expect(merged.status).toBe(202);
      const done = await waitForRun(stack, started.body.workflowId, (r) => r.status === 'completed', 'the waiter to complete');
      expect(done.result!.outputs['merged']).toMatchObject({ type: 'github.pull_request.closed', payload: { pull_request: { merged: true } } });
      // With `if`, the signaller cannot know which delivery resumes the run: the run removes its registration.
      expect(await localActivitiesOf(started.body.workflowId)).toEqual(['registerEventWait', 'clearEventWait']);
      expect(await stack.services.orm.em.fork().count(EventWait, { workflowId: started.body.workflowId })).toBe(0);
    } finally {
      await stack.api(`/api/v1/automations/${subscriber.id}`, { method: 'DELETE' });
    }
  });

  it('records a delivery that resumed runs by its event workflow when the row cannot be written', { timeout: 120_000 }, async () => {
    const opened = await post('opened', 601);
    const run = runOf(reviews, opened.delivery);
    await parked(run);
    const eventId = (delivery: string) => eventWorkflowId('github', github, delivery);
    // The write fails for real (the table is gone for a moment); the look-up and the signal do not need it.
    const db = stack.services.orm.em.getConnection();
    await db.execute('alter table event_records rename to event_records_away');
    let closed;
    try {
      closed = await post('closed', 601);
      expect(closed.status).toBe(202);
      expect(closed.json).toMatchObject({ eventId: closed.delivery, workflowId: eventId(closed.delivery) });
      await waitForRun(stack, run, (r) => r.status === 'completed', 'the waiter to complete');
      const recorded = await stack.services.temporal.client.workflow.getHandle(eventId(closed.delivery)).describe();
      expect(recorded.memo?.['resumedRuns']).toEqual([run]);
      // A redelivery finds the event workflow, and nothing is signalled twice.
      expect((await post('closed', 601, closed.delivery)).status).toBe(200);
      expect(await signalsOf(run)).toBe(1);
    } finally {
      await db.execute('alter table event_records_away rename to event_records');
    }
    const view = (await (await stack.api(`/api/v1/events/${encodeURIComponent(eventId(closed.delivery))}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ noSubscriber: true, resumed: [run], runs: [], duplicates: 1 });
  });

  it('refuses bad waits at save with their paths', async () => {
    const res = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: {
        name: 'bad waits',
        trigger: { type: 'manual' },
        steps: [
          { id: 'a', type: 'wait_for_event', event: 'github..closed', key: '{{ input.pr }}', eventKey: 'payload.(', timeout: '1h' },
          { id: 'b', type: 'wait_for_event', event: 'github.pull_request.closed', key: '{{ input.pr }}', eventKey: 'payload.number' },
        ],
      },
    });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.steps.0.event', 'body.steps.0.eventKey', 'body.steps.1.timeout']));
    const long = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: { name: 'too long', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'wait_for_event', event: 'x.y', key: 'k', eventKey: 'payload.k', timeout: '30d' }] },
    });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { details: { path: string; message: string }[] } }).error.details).toEqual([
      { path: 'body.steps.0.timeout', message: expect.stringContaining('dedupe window of 7 day(s)') },
    ]);
  });
});
