import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signApprovalToken, type ApprovalLinkClaims } from '../../src/approvals/links.ts';
import { AutomationSubscriptions } from '../../src/automations/resolver.ts';
import { Connection } from '../../src/db/entities/index.ts';
import { scheduleIdOf } from '../../src/automations/schedules.ts';
import { createAutomationsClient, SwitchboardApiError } from '../../src/client/index.ts';
import { signedLinks } from '../support/approval-links.ts';
import { DIALECTS } from '../support/db.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

const approvalFlow = (label: string) => ({
  name: `approval flow ${label}`,
  trigger: { type: 'manual' },
  input: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
  steps: [
    { id: 'before', type: 'transform', output: { n: '{{ input.n }}', label } },
    { id: 'approve', type: 'approval', approvers: ['ann', 'bob'], timeout: '1d', onTimeout: 'reject', message: 'ship {{ input.n }}?' },
    { id: 'after', type: 'transform', output: '{{ steps.approve.output.decision & " by " & steps.approve.output.approver }}' },
  ],
});

describe.each(DIALECTS)('automations API on %s', (dialect) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dialect });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('creates, versions, lists, reads and deletes automations; refuses invalid definitions with every problem', async () => {
    const { id, version } = await createAutomation(stack, approvalFlow('v1'));
    expect(version).toBe(1);
    const put = await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: approvalFlow('v2') });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ id, version: 2 });
    const one = (await (await stack.api(`/api/v1/automations/${id}`)).json()) as { version: number; definition: { steps: { output?: { label?: string } }[] } };
    expect(one.version).toBe(2);
    expect(one.definition.steps[0]!.output!.label).toBe('v2');
    const list = (await (await stack.api('/api/v1/automations')).json()) as { items: { id: string }[] };
    expect(list.items.map((a) => a.id)).toContain(id);

    const bad = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: {
        name: 'bad',
        trigger: { type: 'manual' },
        steps: [
          { id: 'a', type: 'transform', output: 1, onError: 'goto:nowhere' },
          { id: 'a', type: 'transform', output: '{{ constructor }}' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { code: string; details: { path: string; message: string }[] } };
    expect(err.error.code).toBe('INVALID_INPUT');
    const lines = err.error.details.map((d) => `${d.path}: ${d.message}`).join('\n');
    expect(lines).toMatch(/duplicate step id "a"/);
    expect(lines).toMatch(/goto target "nowhere"/);
    expect(lines).toMatch(/forbidden name "constructor"/);

    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api(`/api/v1/automations/${id}`)).status).toBe(404);
    // Versions stay for runs in flight.
    const rows = await stack.db.query(`select version from automation_versions where automation_id = '${id}' order by version`);
    expect(rows.map((r) => Number(r['version']))).toEqual([1, 2]);
  });

  it('reads every saved version, newest first, with 404 for unknown ones and 400 for a non-integer; also after delete', async () => {
    const { id } = await createAutomation(stack, approvalFlow('first'));
    const renamed = { ...approvalFlow('second'), name: 'renamed flow', description: 'now nightly', trigger: { type: 'schedule', cron: '0 3 * * *', input: { n: 1 } } };
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: renamed })).status).toBe(200);
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: approvalFlow('third') })).status).toBe(200);

    const listed = await stack.api(`/api/v1/automations/${id}/versions`);
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: { version: number; name: string; description: string | null; triggerType: string; current: boolean; createdAt: string }[] };
    expect(items.map((v) => [v.version, v.name, v.description, v.triggerType, v.current])).toEqual([
      [3, 'approval flow third', null, 'manual', true],
      [2, 'renamed flow', 'now nightly', 'schedule', false],
      [1, 'approval flow first', null, 'manual', false],
    ]);
    for (const v of items) expect(new Date(v.createdAt).toISOString()).toBe(v.createdAt);

    const v1 = await stack.api(`/api/v1/automations/${id}/versions/1`);
    expect(v1.status).toBe(200);
    const body = (await v1.json()) as { automationId: string; version: number; current: boolean; definition: unknown };
    expect(body).toMatchObject({ automationId: id, version: 1, current: false });
    expect(body.definition).toEqual(approvalFlow('first'));
    const v2 = (await (await stack.api(`/api/v1/automations/${id}/versions/2`)).json()) as { definition: unknown };
    expect(v2.definition).toEqual(renamed);

    for (const missing of ['4', '0', '-1', '99999999999']) {
      const res = await stack.api(`/api/v1/automations/${id}/versions/${missing}`);
      expect(res.status, missing).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    for (const bad of ['1.5', 'abc', 'latest']) {
      const res = await stack.api(`/api/v1/automations/${id}/versions/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/params\.version: must be a whole number/) });
    }
    expect((await stack.api('/api/v1/automations/auto_nope/versions')).status).toBe(404);
    expect((await stack.api('/api/v1/automations/auto_nope/versions/1')).status).toBe(404);

    // Deleting keeps the versions, and they stay readable.
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api(`/api/v1/automations/${id}`)).status).toBe(404);
    const after = (await (await stack.api(`/api/v1/automations/${id}/versions`)).json()) as { items: { version: number; current: boolean }[] };
    expect(after.items.map((v) => [v.version, v.current])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect((await stack.api(`/api/v1/automations/${id}/versions/2`)).status).toBe(200);

    const sb = createAutomationsClient({ baseUrl: stack.baseUrl, apiKey: TEST_API_KEY });
    expect((await sb.listAutomationVersions(id)).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await sb.getAutomationVersion(id, 2)).definition).toEqual(renamed);
    await expect(sb.getAutomationVersion(id, 9)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('starts one run per Idempotency-Key, validates input, and decides approvals with 200/403/404/409', async () => {
    const { id } = await createAutomation(stack, approvalFlow('run'));
    expect((await startRun(stack, id, { n: 'five' })).status).toBe(400);
    const first = await startRun(stack, id, { n: 5 }, 'order-42');
    expect(first.status).toBe(202);
    expect(first.body.workflowId).toBe(`run:${id}:order-42`);
    const second = await startRun(stack, id, { n: 5 }, 'order-42');
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ duplicate: true, workflowId: first.body.workflowId, runId: first.body.runId });
    // The same key for another request starts nothing: 422, as Stripe answers.
    const reused = await startRun(stack, id, { n: 6 }, 'order-42');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });

    const wf = first.body.workflowId;
    const waiting = await waitForRun(stack, wf, (r) => r.pendingApprovals.length === 1, 'the approval to be pending');
    expect(waiting.status).toBe('waiting_approval');
    expect(waiting.pendingApprovals[0]).toMatchObject({ stepId: 'approve', approvers: ['ann', 'bob'] });
    expect(waiting.steps.find((s) => s.id === 'before')).toMatchObject({ status: 'completed', attempts: 1, output: { n: 5 } });

    const approvals = await waitFor(async () => {
      const body = (await (await stack.api(`/api/v1/approvals?status=pending&automationId=${id}`)).json()) as { items: { workflowId: string; stepId: string }[] };
      return body.items.length ? body.items : undefined;
    }, 'the approval in the approvals list');
    expect(approvals).toEqual([expect.objectContaining({ workflowId: wf, stepId: 'approve' })]);

    const decideUrl = (step: string) => `/api/v1/runs/${encodeURIComponent(wf)}/approvals/${step}`;
    const forbidden = await stack.api(decideUrl('approve'), { method: 'POST', json: { decision: 'approve', approver: 'mallory' } });
    expect(forbidden.status).toBe(403);
    const unknown = await stack.api(decideUrl('nope'), { method: 'POST', json: { decision: 'approve', approver: 'ann' } });
    expect(unknown.status).toBe(404);
    const unknownRun = await stack.api(`/api/v1/runs/${encodeURIComponent(`run:${id}:nope`)}/approvals/approve`, { method: 'POST', json: { decision: 'approve', approver: 'ann' } });
    expect(unknownRun.status).toBe(404);
    const ok = await stack.api(decideUrl('approve'), { method: 'POST', json: { decision: 'approve', approver: 'ann', comment: 'go' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ approver: 'ann', decision: 'approve', comment: 'go', decidedAt: expect.any(String) });
    const again = await stack.api(decideUrl('approve'), { method: 'POST', json: { decision: 'reject', approver: 'bob' } });
    expect(again.status).toBe(409);

    const done = await waitForRun(stack, wf, (r) => r.status === 'completed', 'the run to complete');
    expect(done.result!.outputs['after']).toBe('approve by ann');
    // A closed run's approvals are closed: 409 naming its status, not 404.
    const closed = await stack.api(decideUrl('approve'), { method: 'POST', json: { decision: 'approve', approver: 'bob' } });
    expect(closed.status).toBe(409);
    expect(await closed.json()).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('is completed; its approvals are closed') } });
    const runs = await waitFor(async () => {
      const body = (await (await stack.api(`/api/v1/runs?automationId=${id}&status=completed`)).json()) as { items: { workflowId: string }[] };
      return body.items.length ? body.items : undefined;
    }, 'the run in visibility');
    expect(runs.map((r) => r.workflowId)).toEqual([wf]);
    // Temporal UI: the run carries its summary and search attributes.
    const desc = await stack.services.temporal.client.workflow.getHandle(wf).describe();
    expect(await desc.staticSummary()).toBe('approval flow run v1');
  });

  it('a run waiting for approval finishes with its original steps after the automation is edited', async () => {
    const { id } = await createAutomation(stack, approvalFlow('original'));
    const { body } = await startRun(stack, id, { n: 1 });
    await waitForRun(stack, body.workflowId, (r) => r.pendingApprovals.length === 1, 'the approval to be pending');
    // Temporal UI: current details say what the run waits for.
    const meta = (await stack.services.temporal.client.workflow.getHandle(body.workflowId).query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(meta.currentDetails).toMatch(/^waiting for approval of approve until \d{4}-\d\d-\d\dT/);
    const edited = approvalFlow('edited');
    edited.steps[2] = { id: 'after', type: 'transform', output: 'EDITED' } as never;
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: edited })).status).toBe(200);
    const ok = await stack.api(`/api/v1/runs/${encodeURIComponent(body.workflowId)}/approvals/approve`, { method: 'POST', json: { decision: 'reject', approver: 'bob' } });
    expect(ok.status).toBe(200);
    const done = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(done.version).toBe(1);
    expect(done.result!.outputs['before']).toEqual({ n: 1, label: 'original' });
    expect(done.result!.outputs['after']).toBe('reject by bob');
    // A new run uses the new version.
    const next = await startRun(stack, id, { n: 2 });
    const waiting = await waitForRun(stack, next.body.workflowId, (r) => r.pendingApprovals.length === 1, 'the second run to wait');
    expect(waiting.version).toBe(2);
    expect((await stack.api(`/api/v1/runs/${encodeURIComponent(next.body.workflowId)}/cancel`, { method: 'POST' })).status).toBe(202);
    await waitForRun(stack, next.body.workflowId, (r) => r.status === 'cancelled', 'the run to be cancelled');
    expect((await stack.api(`/api/v1/runs/${encodeURIComponent(next.body.workflowId)}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('decides once through a signed link without an API key', async () => {
    const { id } = await createAutomation(stack, {
      name: 'links',
      trigger: { type: 'manual' },
      steps: [
        { id: 'share', type: 'transform', output: '{{ run.approvalLinks.ok }}' },
        { id: 'ok', type: 'approval', timeout: '1h', onTimeout: 'fail', title: 'Ship {{ input.n }} crates?', context: [{ label: 'Crates', value: '{{ input.n }}' }] },
      ],
    });
    const { body } = await startRun(stack, id, { n: 3 });
    const waiting = await waitForRun(stack, body.workflowId, (r) => r.pendingApprovals.length === 1, 'the approval');
    const refs = waiting.steps.find((s) => s.id === 'share')!.output as { approve: string; reject: string };
    expect(refs.approve).toMatch(new RegExp(`^${stack.baseUrl}/approval-links/[A-Za-z0-9_-]+$`));
    // The run holds a reference that cannot decide; the activity that sends it signs it.
    expect((await fetch(refs.approve, { method: 'POST' })).status).toBe(404);
    const links = signedLinks(stack, body.workflowId, refs);
    expect(links.approve).toMatch(new RegExp(`^${refs.approve}\\.[A-Za-z0-9_-]+$`));
    // The pending approval carries the rendered title and context; the inbox names the automation.
    expect(waiting.pendingApprovals[0]).toMatchObject({ title: 'Ship 3 crates?', context: [{ label: 'Crates', value: '3' }] });
    const inbox = (await (await stack.api(`/api/v1/approvals?automationId=${id}`)).json()) as { items: Record<string, unknown>[] };
    expect(inbox.items).toEqual([expect.objectContaining({ automationId: id, automationName: 'links', title: 'Ship 3 crates?', stepId: 'ok' })]);
    // An expired link is gone: a page saying so (410), for a browser and a script alike on GET.
    const claims = JSON.parse(Buffer.from(new URL(links.approve).pathname.split('/').pop()!.split('.')[0]!, 'base64url').toString()) as ApprovalLinkClaims;
    const expired = `${stack.baseUrl}/approval-links/${signApprovalToken(stack.services.keyring, { ...claims, e: Math.floor(Date.now() / 1000) - 60 })}`;
    const expiredPage = await fetch(expired);
    expect(expiredPage.status).toBe(410);
    expect(expiredPage.headers.get('content-type')).toMatch(/text\/html/);
    expect(await expiredPage.text()).toContain('approval link has expired');
    expect((await fetch(expired, { method: 'POST' })).status).toBe(410);
    const tampered = await fetch(links.approve.slice(0, -3) + 'AAA', { method: 'POST' });
    expect(tampered.status).toBe(404);
    const page = await fetch(links.approve);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect((await getRun(stack, body.workflowId))!.pendingApprovals).toHaveLength(1);
    const used = await fetch(links.approve, { method: 'POST' });
    expect(used.status).toBe(200);
    expect(await used.json()).toMatchObject({ decision: 'approve', approver: 'link' });
    expect((await fetch(links.approve, { method: 'POST' })).status).toBe(409);
    expect((await fetch(links.reject, { method: 'POST' })).status).toBe(409);
    await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    const rows = await stack.db.query(`select workflow_id, step_id from approval_link_uses`);
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ workflow_id: body.workflowId, step_id: 'ok' })]));
    // The runs API put the link references into the run's input: no issueApprovalLinks activity ran.
    const history = await stack.services.temporal.client.workflow.getHandle(body.workflowId).fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    expect(activities).not.toContain('issueApprovalLinks');
  });

  it('routes webhook events to subscribed automations by connection, event pattern and filter', async () => {
    // The trigger's connection must exist when the automation is saved.
    const em = stack.services.orm.em.fork();
    em.create(Connection, { id: 'conn_route', connector: 'github', name: 'route', config: {}, secrets: null, secretFields: [] });
    await em.flush();
    const hook = (name: string, events: string[], filter?: string) => ({
      name,
      trigger: { type: 'webhook', connection: 'conn_route', events, ...(filter ? { filter } : {}) },
      steps: [{ id: 't', type: 'transform', output: 1 }],
    });
    const all = await createAutomation(stack, hook('all issues', ['github.issues.*']));
    const bugs = await createAutomation(stack, hook('bugs only', ['github.issues.opened'], "'bug' in payload.issue.labels.name"));
    await createAutomation(stack, hook('pull requests', ['github.pull_request.*']));
    const gone = await createAutomation(stack, hook('deleted', ['*']));
    await stack.api(`/api/v1/automations/${gone.id}`, { method: 'DELETE' });
    const resolver = new AutomationSubscriptions(stack.services.orm);
    const event = (labels: string[]) => ({
      type: 'github.issues.opened',
      id: 'd1',
      source: { connector: 'github', connectionId: 'conn_route' },
      payload: { issue: { labels: labels.map((name) => ({ name })) } },
      receivedAt: new Date().toISOString(),
    });
    expect(await resolver.find(event(['bug']))).toEqual([
      { automationId: all.id, version: 1 },
      { automationId: bugs.id, version: 1 },
    ]);
    expect(await resolver.find(event(['docs']))).toEqual([{ automationId: all.id, version: 1 }]);
    expect(await resolver.find({ ...event(['bug']), source: { connector: 'github', connectionId: 'other' } })).toEqual([]);
  });

  it('one resolver: intake reuses the cached subscriptions, the event router reloads them, a save through the API drops them', async () => {
    const em = stack.services.orm.em.fork();
    em.create(Connection, { id: 'conn_cached', connector: 'github', name: 'cached', config: {}, secrets: null, secretFields: [] });
    await em.flush();
    const event = { type: 'github.issues.opened', id: 'd2', source: { connector: 'github', connectionId: 'conn_cached' }, payload: {}, receivedAt: new Date().toISOString() };
    const hook = { name: 'cached issues', trigger: { type: 'webhook', connection: 'conn_cached', events: ['github.issues.*'] }, steps: [{ id: 't', type: 'transform', output: 1 }] };
    // A resolver of "another process" (a minute's TTL): the API's save does not reach it.
    const other = new AutomationSubscriptions(stack.services.orm, undefined, 60_000);
    expect((await other.route(event)).targets).toEqual([]);
    const created = await createAutomation(stack, hook);
    expect((await other.route(event)).targets).toEqual([]);
    expect(await other.find(event)).toEqual([{ automationId: created.id, version: 1 }]);
    expect((await other.route(event)).targets.map((t) => [t.automationId, t.version])).toEqual([[created.id, 1]]);
    // The process's own resolver (services.subscriptions) is dropped by the API's save at once.
    expect((await stack.services.subscriptions.route(event)).targets.map((t) => t.version)).toEqual([1]);
    const res = await stack.api(`/api/v1/automations/${created.id}`, { method: 'PUT', json: { ...hook, enabled: false } });
    expect(res.status).toBe(200);
    expect(await stack.services.subscriptions.route(event)).toEqual({ targets: [], disabled: [created.id] });
  });

  it('the typed client covers the same operations', async () => {
    const sb = createAutomationsClient({ baseUrl: stack.baseUrl, apiKey: TEST_API_KEY });
    const { id } = await sb.createAutomation(approvalFlow('client'));
    expect((await sb.getAutomation(id)).name).toBe('approval flow client');
    const run = await sb.startRun(id, { n: 3 }, { idempotencyKey: 'client-1' });
    expect(await sb.startRun(id, { n: 3 }, { idempotencyKey: 'client-1' })).toEqual({ duplicate: true, ...run });
    await waitFor(async () => (await sb.getRun(run.workflowId)).pendingApprovals.length === 1, 'the approval');
    const err = await sb.decideApproval(run.workflowId, 'approve', { decision: 'approve', approver: 'eve' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardApiError);
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await sb.decideApproval(run.workflowId, 'approve', { decision: 'approve', approver: 'bob' })).toMatchObject({ approver: 'bob' });
    await waitFor(async () => (await sb.getRun(run.workflowId)).status === 'completed', 'completion');
    await sb.deleteAutomation(id);
    expect((await sb.listAutomations()).map((a) => a.id)).not.toContain(id);
  });

  it('a scheduled run receives the schedule trigger input, which is checked against the input schema when saving', async () => {
    const input = { type: 'object', properties: { region: { type: 'string' }, limit: { type: 'integer', minimum: 1 } }, required: ['region'] };
    const def = (triggerInput: unknown) => ({
      name: 'scheduled report',
      trigger: { type: 'schedule', cron: '0 3 * * *', input: triggerInput },
      input,
      steps: [{ id: 'report', type: 'transform', output: { region: '{{ input.region }}', limit: '{{ input.limit }}' } }],
    });
    const missing = await stack.api('/api/v1/automations', { method: 'POST', json: def({ limit: 0 }) });
    expect(missing.status).toBe(400);
    const err = (await missing.json()) as { error: { code: string; details: { path: string; message: string }[] } };
    expect(err.error.code).toBe('INVALID_INPUT');
    expect(err.error.details).toEqual(
      expect.arrayContaining([
        { path: 'body.trigger.input.region', message: expect.stringMatching(/input schema/) },
        { path: 'body.trigger.input.limit', message: expect.stringMatching(/input schema/) },
      ]),
    );
    const notObject = await stack.api('/api/v1/automations', { method: 'POST', json: def(['eu']) });
    expect(notObject.status).toBe(400);
    expect(((await notObject.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toContain('body.trigger.input');

    // Without a trigger input, scheduled runs would receive {}: that must pass the schema too.
    const absent = await stack.api('/api/v1/automations', { method: 'POST', json: def(undefined) });
    expect(absent.status).toBe(400);
    expect(((await absent.json()) as { error: { details: { path: string }[] } }).error.details).toEqual([{ path: 'body.trigger.input.region', message: expect.any(String) }]);

    const { id } = await createAutomation(stack, def({ region: 'eu', limit: 5 }));
    const update = await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: def({ region: 7 }) });
    expect(update.status).toBe(400);
    expect(((await update.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toContain('body.trigger.input.region');

    const handle = stack.services.temporal.client.schedule.getHandle(scheduleIdOf(id));
    expect((await handle.describe()).action).toMatchObject({ args: [{ automationId: id, version: 1, input: { region: 'eu', limit: 5 }, trigger: { type: 'schedule' } }] });
    await handle.trigger();
    const started = await waitFor(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId, 'the scheduled run to start');
    expect(started).toMatch(new RegExp(`^run:${id}:schedule`));
    const done = await waitForRun(stack, started, (r) => r.status === 'completed', 'the scheduled run to complete');
    expect(done.result!.outputs['report']).toEqual({ region: 'eu', limit: 5 });
    await stack.api(`/api/v1/automations/${id}`, { method: 'DELETE' });
  });

  it('creates, updates and deletes the Temporal Schedule of a schedule trigger', async () => {
    const def = { name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Berlin' }, steps: [{ id: 't', type: 'transform', output: 1 }] };
    const { id } = await createAutomation(stack, def);
    const handle = stack.services.temporal.client.schedule.getHandle(scheduleIdOf(id));
    const first = await handle.describe();
    expect(first.spec.timezone).toBe('Europe/Berlin');
    expect(first.action).toMatchObject({ workflowType: 'automationWorkflow', args: [{ automationId: id, version: 1, trigger: { type: 'schedule' } }] });
    await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: { ...def, trigger: { type: 'schedule', cron: '0 4 * * *' } } });
    const second = await handle.describe();
    expect(second.action).toMatchObject({ args: [{ version: 2 }] });
    await stack.api(`/api/v1/automations/${id}`, { method: 'DELETE' });
    await expect(handle.describe()).rejects.toThrow();
  });
});
