/**
 * Approval rules end to end on a real dev server: groups (`/api/v1/groups`, `group:`
 * approvers resolved when deciding, quorum by distinct principals), forms (checked at save,
 * values validated when deciding, in `output.form`), `selfApproval: false` through the API
 * and a link, one decision record (channel, group, form) — and link tokens out of history;
 * a decision in one round trip when the run needs nothing from the API.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { signedLinks } from '../support/approval-links.ts';
import { DIALECTS } from '../support/db.ts';
import { createAutomation, getRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

describe.each(DIALECTS)('approval rules on %s', (dialect) => {
  let stack: TestStack;
  let fake: HttpFake;
  beforeAll(async () => {
    fake = await httpFake(() => ({ body: { ok: true } }));
    stack = await startTestStack({ dialect, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  async function keyOf(principal: string, scopes: string[]): Promise<string> {
    const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: `${principal} ${scopes.join(' ')}`, principal, scopes } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  }

  const as = (key: string) => (path: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${stack.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });

  const decidePath = (workflowId: string, step: string) => `/api/v1/runs/${encodeURIComponent(workflowId)}/approvals/${step}`;

  it('manages groups with the admin scope only', async () => {
    const created = await stack.api('/api/v1/groups', { method: 'POST', json: { name: `ops-${dialect}`, members: ['ann', 'bob', 'ann'] } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: `ops-${dialect}`, members: ['ann', 'bob'] });
    expect((await stack.api('/api/v1/groups', { method: 'POST', json: { name: `ops-${dialect}`, members: [] } })).status).toBe(409);
    const bad = await stack.api('/api/v1/groups', { method: 'POST', json: { name: 'Not A Name', members: [] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('name');
    const put = await stack.api(`/api/v1/groups/ops-${dialect}`, { method: 'PUT', json: { members: ['cid'] } });
    expect(put.status).toBe(200);
    expect(((await (await stack.api(`/api/v1/groups/ops-${dialect}`)).json()) as { members: string[] }).members).toEqual(['cid']);
    const list = (await (await stack.api('/api/v1/groups')).json()) as { items: { name: string }[] };
    expect(list.items.map((g) => g.name)).toContain(`ops-${dialect}`);
    const reader = await keyOf('reader', ['approvals:decide', 'automations:read']);
    expect((await as(reader)('/api/v1/groups')).status).toBe(403);
    expect((await stack.api(`/api/v1/groups/ops-${dialect}`, { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api(`/api/v1/groups/ops-${dialect}`)).status).toBe(404);
  });

  it('refuses an unknown group and a form that is not a JSON Schema at save, with paths', async () => {
    const unknown = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: { name: 'unknown group', trigger: { type: 'manual' }, steps: [{ id: 'review', type: 'approval', approvers: ['ann', 'group:nobody'], timeout: '1h', onTimeout: 'fail' }] },
    });
    expect(unknown.status).toBe(400);
    const body = (await unknown.json()) as ErrorBody;
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.steps[0].approvers[1]', message: expect.stringContaining('group "nobody" does not exist') })]));
    const badForm = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: {
        name: 'bad form',
        trigger: { type: 'manual' },
        steps: [{ id: 'review', type: 'approval', timeout: '1h', onTimeout: 'fail', form: { type: 'object', properties: { amount: { type: 'money' } } } }],
      },
    });
    expect(badForm.status).toBe(400);
    expect(JSON.stringify(await badForm.json())).toMatch(/steps.*0.*form.*properties.*amount/);
  });

  it('a group decides by distinct members with a validated form; the decision record carries channel, group and values', async () => {
    const group = `finance-${dialect}`;
    expect((await stack.api('/api/v1/groups', { method: 'POST', json: { name: group, members: ['ann', 'bob', 'cid'] } })).status).toBe(201);
    const { id } = await createAutomation(stack, {
      name: `refund ${dialect}`,
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: [`group:${group}`],
          quorum: 2,
          timeout: '1h',
          onTimeout: 'fail',
          title: 'Refund {{ input.amount }} €?',
          form: {
            type: 'object',
            properties: { reason: { type: 'string', minLength: 3 }, amount: { type: 'number', maximum: 1000 }, kind: { enum: ['full', 'partial'] } },
            required: ['reason'],
          },
        },
      ],
    });
    const admin = await keyOf('admin-starter', ['runs:write', 'runs:read']);
    const started = await as(admin)(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: { amount: 40 } } });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const waiting = await waitForRun(stack, workflowId, (r) => r.pendingApprovals.length === 1, 'the approval');
    expect(waiting.pendingApprovals[0]).toMatchObject({ approvers: [`group:${group}`], form: { required: ['reason'] } });

    const ann = as(await keyOf('ann', ['approvals:decide', 'approvals:read']));
    const bob = as(await keyOf('bob', ['approvals:decide']));
    const mallory = as(await keyOf('mallory', ['approvals:decide', 'approvals:read']));
    // The inbox of a member lists it; an outsider's does not.
    const mine = async (who: typeof ann) => ((await (await who(`/api/v1/approvals?mine=true&automationId=${id}`)).json()) as { items: { workflowId: string }[] }).items.map((i) => i.workflowId);
    await waitFor(async () => (await mine(ann)).includes(workflowId), "the approval in ann's inbox");
    expect(await mine(mallory)).toEqual([]);

    expect((await mallory(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', form: { reason: 'because' } } })).status).toBe(403);
    const invalid = await ann(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', form: { reason: 'x', amount: 5000 } } });
    expect(invalid.status).toBe(400);
    const paths = ((await invalid.json()) as ErrorBody).error.details!.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['form.reason', 'form.amount']));
    const missing = await ann(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve' } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'form.reason' })]);
    // The form and the approvers are read from the run's inbox memo (Temporal alone): with no
    // worker running, bad values still get their 400 with paths (asking the run would answer 503).
    await stack.stopWorker();
    try {
      const offline = await ann(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', form: { reason: 'x' } } });
      expect(offline.status).toBe(400);
      expect(((await offline.json()) as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'form.reason' })]);
    } finally {
      await stack.startWorker();
    }
    expect(((await getRun(stack, workflowId))!.pendingApprovals[0] as unknown as { decisions: unknown[] }).decisions).toEqual([]);

    const first = await ann(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', comment: 'ok', form: { reason: 'duplicate charge', amount: 40 } } });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ approver: 'ann', channel: 'api', group: `group:${group}`, form: { reason: 'duplicate charge', amount: 40 } });
    // Quorum counts distinct principals: ann again is refused, the run still waits.
    expect((await ann(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', form: { reason: 'again!' } } })).status).toBe(409);
    expect((await getRun(stack, workflowId))!.status).toBe('waiting_approval');
    // Membership is read when deciding: bob leaves the group and is refused; back in, he decides.
    await stack.api(`/api/v1/groups/${group}`, { method: 'PUT', json: { members: ['ann', 'cid'] } });
    expect((await bob(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', form: { reason: 'fine by me' } } })).status).toBe(403);
    await stack.api(`/api/v1/groups/${group}`, { method: 'PUT', json: { members: ['ann', 'bob', 'cid'] } });
    const second = await bob(decidePath(workflowId, 'review'), { method: 'POST', json: { decision: 'approve', form: { reason: 'fine by me', kind: 'full' } } });
    expect(second.status).toBe(200);

    const done = await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');
    const output = done.steps.find((s) => s.id === 'review')!.output as { decision: string; form: Record<string, unknown>; decisions: Record<string, unknown>[] };
    expect(output.decision).toBe('approve');
    expect(output.form).toEqual({ reason: 'fine by me', kind: 'full' });
    expect(output.decisions).toEqual([
      expect.objectContaining({ approver: 'ann', channel: 'api', comment: 'ok', form: { reason: 'duplicate charge', amount: 40 }, decidedAt: expect.any(String) }),
      expect.objectContaining({ approver: 'bob', channel: 'api', group: `group:${group}`, form: { reason: 'fine by me', kind: 'full' } }),
    ]);
  });

  /** The names of the updates the run's history accepted, in order. */
  async function acceptedUpdates(workflowId: string): Promise<string[]> {
    const history = await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const name = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
      return name ? [name] : [];
    });
  }

  it('decides in one round trip what needs nothing from the API; a group member, a form and older run code take the prepared path', async () => {
    const group = `reviewers-${dialect}`;
    expect((await stack.api('/api/v1/groups', { method: 'POST', json: { name: group, members: ['dee'] } })).status).toBe(201);
    const { id } = await createAutomation(stack, {
      name: `direct ${dialect}`,
      trigger: { type: 'manual' },
      steps: [
        { id: 'first', type: 'approval', approvers: ['lead', `group:${group}`], timeout: '1h', onTimeout: 'fail' },
        { id: 'second', type: 'approval', approvers: ['lead', `group:${group}`], timeout: '1h', onTimeout: 'fail' },
        { id: 'third', type: 'approval', approvers: ['lead'], timeout: '1h', onTimeout: 'fail', form: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] } },
      ],
    });
    const started = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } });
    const { workflowId } = (await started.json()) as { workflowId: string };
    const lead = as(await keyOf('lead', ['approvals:decide']));
    const dee = as(await keyOf('dee', ['approvals:decide']));
    const eve = as(await keyOf('eve', ['approvals:decide']));
    await waitForRun(stack, workflowId, (r) => r.pendingApprovals.some((p) => p.stepId === 'first'), 'the first approval');
    // A listed approver: the run admits and records it, nothing read first.
    const first = await lead(decidePath(workflowId, 'first'), { method: 'POST', json: { decision: 'approve', comment: 'go' } });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ approver: 'lead', channel: 'api', comment: 'go' });
    expect(await acceptedUpdates(workflowId)).toEqual(['decideApprovalDirect']);
    await waitForRun(stack, workflowId, (r) => r.pendingApprovals.some((p) => p.stepId === 'second'), 'the second approval');
    // Not listed and in no listed group: refused as before; a member decides through the group.
    expect((await eve(decidePath(workflowId, 'second'), { method: 'POST', json: { decision: 'approve' } })).status).toBe(403);
    const second = await dee(decidePath(workflowId, 'second'), { method: 'POST', json: { decision: 'approve' } });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ approver: 'dee', group: `group:${group}` });
    expect(await acceptedUpdates(workflowId)).toEqual(['decideApprovalDirect', 'decideApproval']);
    await waitForRun(stack, workflowId, (r) => r.pendingApprovals.some((p) => p.stepId === 'third'), 'the third approval');
    // A form: an approve without values is validated by the API (400 with the path), not recorded.
    const missing = await lead(decidePath(workflowId, 'third'), { method: 'POST', json: { decision: 'approve' } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'form.note' })]);
    expect((await lead(decidePath(workflowId, 'third'), { method: 'POST', json: { decision: 'approve', form: { note: 'fine' } } })).status).toBe(200);
    expect(await acceptedUpdates(workflowId)).toEqual(['decideApprovalDirect', 'decideApproval', 'decideApproval']);
    await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');

    // A run whose code predates the direct update: it refuses that update, and the decision lands the prepared way.
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const taskQueue = `legacy-approval-${dialect}-${Date.now()}`;
    const worker = await Worker.create({ connection, taskQueue, workflowsPath: fileURLToPath(new URL('../fixtures/legacy-approval-workflow.ts', import.meta.url)) });
    const running = worker.run();
    try {
      const legacyId = `run:legacy-${dialect}-${Date.now()}`;
      const handle = await stack.services.temporal.client.workflow.start('legacyApproval', { taskQueue, workflowId: legacyId, args: ['lead'] });
      const decided = await lead(decidePath(legacyId, 'review'), { method: 'POST', json: { decision: 'approve' } });
      expect(decided.status).toBe(200);
      expect(await decided.json()).toMatchObject({ approver: 'lead', decision: 'approve', channel: 'api' });
      expect(await handle.result()).toMatchObject({ approver: 'lead' });
      expect(await acceptedUpdates(legacyId)).toEqual(['decideApproval']);
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('selfApproval: false refuses the starter and an earlier approval\'s decider, through the API and a link', async () => {
    const { id } = await createAutomation(stack, {
      name: `four eyes ${dialect}`,
      trigger: { type: 'manual' },
      steps: [
        { id: 'first', type: 'approval', approvers: ['bob', 'cid'], timeout: '1h', onTimeout: 'fail' },
        { id: 'second', type: 'approval', approvers: ['ann', 'bob', 'cid'], selfApproval: false, timeout: '1h', onTimeout: 'fail' },
      ],
    });
    const annKey = await keyOf('ann', ['runs:write', 'approvals:decide', 'runs:read']);
    const ann = as(annKey);
    const started = await ann(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    await waitForRun(stack, workflowId, (r) => r.pendingApprovals.some((p) => p.stepId === 'first'), 'the first approval');
    const bob = as(await keyOf('bob', ['approvals:decide']));
    expect((await bob(decidePath(workflowId, 'first'), { method: 'POST', json: { decision: 'approve' } })).status).toBe(200);
    const waiting = await waitForRun(stack, workflowId, (r) => r.pendingApprovals.some((p) => p.stepId === 'second'), 'the second approval');
    expect(waiting.pendingApprovals[0]).toMatchObject({ stepId: 'second', refused: ['ann', 'bob'] });

    const self = await ann(decidePath(workflowId, 'second'), { method: 'POST', json: { decision: 'approve' } });
    expect(self.status).toBe(403);
    expect(((await self.json()) as ErrorBody).error.message).toContain('self-approval');
    expect((await bob(decidePath(workflowId, 'second'), { method: 'POST', json: { decision: 'approve' } })).status).toBe(403);
    // Nor through ann's signed link: the references in the run's input, signed as the sending activity signs them.
    const links = signedLinks(stack, workflowId, await runLinks(workflowId, 'second')) as Record<string, { approve: string }>;
    const viaLink = await fetch(links['ann']!.approve, { method: 'POST' });
    expect(viaLink.status).toBe(403);
    const cid = await fetch(links['cid']!.approve, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve&comment=looks+right' });
    expect(cid.status).toBe(200);
    expect(await cid.text()).toContain('looks right');
    const done = await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect((done.steps.find((s) => s.id === 'second')!.output as { decisions: unknown[] }).decisions).toEqual([expect.objectContaining({ approver: 'cid', channel: 'link' })]);
  });

  it('the link page renders the form and validates the posted fields on the server', async () => {
    const { id } = await createAutomation(stack, {
      name: `link form ${dialect}`,
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['lead'],
          timeout: '1h',
          onTimeout: 'fail',
          form: { type: 'object', properties: { reason: { type: 'string', minLength: 3 }, amount: { type: 'integer' }, urgent: { type: 'boolean' }, kind: { enum: ['full', 'partial'] } }, required: ['reason'] },
        },
      ],
    });
    const started = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } });
    const { workflowId } = (await started.json()) as { workflowId: string };
    await waitForRun(stack, workflowId, (r) => r.pendingApprovals.length === 1, 'the approval');
    const link = (signedLinks(stack, workflowId, await runLinks(workflowId, 'review')) as Record<string, { approve: string }>)['lead']!.approve;
    const page = await (await fetch(link)).text();
    expect(page).toContain('name="form.reason"');
    expect(page).toMatch(/<input type="text" id="form-reason" name="form.reason" value="" required>/);
    expect(page).toContain('type="number"');
    expect(page).toContain('type="checkbox"');
    expect(page).toContain('<option value="partial"');
    const post = (body: string) => fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body });
    const bad = await post('decision=approve&form.reason=no&form.amount=2&form.kind=');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('form.reason');
    expect(((await getRun(stack, workflowId))!.pendingApprovals[0] as unknown as { decisions: unknown[] }).decisions).toEqual([]);
    const good = await post('decision=approve&form.reason=looks+right&form.amount=2&form.urgent=true&form.kind=partial');
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('looks right');
    const done = await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(done.steps.find((s) => s.id === 'review')!.output).toMatchObject({ channel: 'link', form: { reason: 'looks right', amount: 2, urgent: true, kind: 'partial' } });
  });

  /** The run's link references of one step (from the run's start input). */
  async function runLinks(workflowId: string, stepId: string): Promise<Record<string, unknown>> {
    const history = await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    const data = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!;
    const input = JSON.parse(Buffer.from(data).toString('utf8')) as { approvalLinks: Record<string, Record<string, unknown>> };
    return input.approvalLinks[stepId]!;
  }

  it('the history of a parked approval run holds no string that decides it', async () => {
    expect((await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'hook', config: { baseUrl: fake.url } } })).status).toBe(201);
    const { id } = await createAutomation(stack, {
      name: `tokens ${dialect}`,
      trigger: { type: 'manual' },
      steps: [
        { id: 'notify', type: 'action', connection: 'hook', action: 'request', input: { method: 'POST', url: '/notify', body: { text: 'Approve: {{ run.approvalLinks.review.lead.approve }} or {{ run.approvalLinks.review.lead.reject }}' } } },
        { id: 'share', type: 'transform', output: '{{ run.approvalLinks }}' },
        { id: 'review', type: 'approval', approvers: ['lead'], timeout: '1h', onTimeout: 'fail' },
      ],
    });
    const started = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } });
    const { workflowId } = (await started.json()) as { workflowId: string };
    await waitForRun(stack, workflowId, (r) => r.pendingApprovals.length === 1, 'the approval');

    const history = JSON.stringify(await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory());
    const decoded = [history, ...[...history.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))].join('\n');
    expect(decoded).toContain('/approval-links/');
    // Every base64url run that could be a token (with or without a MAC part) is tried on the link endpoint.
    const candidates = [...new Set([...decoded.matchAll(/[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]{20,})?/g)].map((m) => m[0]))];
    expect(candidates.length).toBeGreaterThan(0);
    for (const token of candidates) {
      const res = await fetch(`${stack.baseUrl}/approval-links/${token}`, { method: 'POST' });
      expect(res.status, token).not.toBe(200);
    }
    expect(((await getRun(stack, workflowId))!.pendingApprovals[0] as unknown as { decisions: unknown[] }).decisions).toEqual([]);

    // What the action sent does decide: the person got a usable link.
    const sent = String((fake.requests().filter((r) => r.url === '/notify').at(-1)!.json as { text: string }).text);
    const approve = /(http\S+\/approval-links\/\S+) or/.exec(sent)![1]!;
    const res = await fetch(approve, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ approver: 'lead', channel: 'link' });
    await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');
  });
});
