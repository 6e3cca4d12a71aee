/**
 * Code workflows started and served like automation runs, on a real stack (dev server,
 * worker bundling two workflow packages, API) with local provider fakes:
 * - a signed GitHub webhook starts the package's `payout` through an automation's `workflow`
 *   step: verified (a bad signature starts nothing), one child run per delivery (a
 *   redelivery answers 200 and starts no second one), its approval in the inbox, its result
 *   the step's output; an unknown workflow is refused at save, input its schema refuses fails
 *   the step with INVALID_INPUT naming it;
 * - a code run's action on a rate-limited connection (named by name or id) is scheduled on
 *   that connection's rate-limited queue, as an automation's is;
 * - a code approval with `notify: email` mails each approver signed single-use links, and a
 *   link decides the code run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, rateLimitedQueue, runWorkflowId } from '../../src/temporal/constants.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const GH_SECRET = 'gh-code-first-webhook-secret';
const SLACK_TOKEN = 'xoxb-code-first-trigger-secret';
const SMTP = { username: 'mailer', password: 'smtp-code-first-secret' };

/** The decoded text of a raw MIME message (quoted-printable soft breaks joined, =XX decoded). */
const decodeQp = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

describe('code workflows: webhook trigger, rate-limited routing, approval links (e2e)', () => {
  let stack: TestStack;
  let slackApi: FakeServer;
  let statusApi: FakeServer;
  let smtp: SmtpFake;
  let github: string;
  let slack: string;

  beforeAll(async () => {
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C1', ts: '1.2' }));
    statusApi = await fakeServer((_req, res) => sendJson(res, 200, { status: 'green' }));
    smtp = await smtpFake(SMTP);
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1', SWITCHBOARD_WORKFLOW_PACKAGES: './test/fixtures/code-workflows,./test/fixtures/code-workflows-extra' } });
    github = await createTestConnection(stack.services, 'github', { token: 'ghp_code_first', webhookSecret: GH_SECRET });
    slack = await createTestConnection(stack.services, 'slack', { botToken: SLACK_TOKEN }, { baseUrl: slackApi.url });
  });
  afterAll(async () => {
    await stack?.close();
    await slackApi?.close();
    await statusApi?.close();
    await smtp?.close();
  });

  const issueOpened = (amount: number) => JSON.stringify({ action: 'opened', issue: { number: amount, title: 'refund', labels: [] }, repository: { full_name: 'acme/shop' } });
  const post = (body: string, delivery: string, secret = GH_SECRET) =>
    deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, secret),
    });

  it('a signed webhook starts the code workflow once per delivery; its approval, result and steps are the run page’s', async () => {
    const { id: automationId } = await createAutomation(stack, {
      name: 'payout on issue',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [{ id: 'pay', type: 'workflow', workflow: 'payout', input: { amount: '{{ trigger.payload.issue.number }}', slack } }],
    });
    const delivery = randomUUID();
    const body = issueOpened(320);

    // A bad signature starts nothing.
    expect((await post(body, delivery, 'not-the-secret')).status).toBe(401);

    const first = await post(body, delivery);
    expect(first.status, first.text).toBe(202);
    const parentId = runWorkflowId(automationId, eventWorkflowId('github', github, delivery));
    expect(first.json['workflowId']).toBe(parentId);
    const childId = runWorkflowId('workflow:payout', `${parentId.replace(/^run:/, '')}.pay`);

    const item = await waitFor(async () => {
      const res = (await (await stack.api('/api/v1/approvals?approver=ada')).json()) as { items: { workflowId: string; stepId: string; title?: string }[] };
      return res.items.find((i) => i.workflowId === childId);
    }, 'the code run’s approval in the inbox');
    expect(item).toMatchObject({ stepId: 'finance', title: 'Pay out 320?' });

    // The provider redelivers: 200 duplicate, the same parent, no second code run.
    const again = await post(body, delivery);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, workflowId: parentId });
    const listed = (await (await stack.api('/api/v1/runs?automationId=workflow:payout')).json()) as { items: { workflowId: string; automationId: string; triggerType?: string }[] };
    expect(listed.items.map((r) => r.workflowId)).toEqual([childId]);

    const decided = await stack.api(`/api/v1/runs/${encodeURIComponent(childId)}/approvals/finance`, { method: 'POST', json: { decision: 'approve', approver: 'ada', form: { amount: 300 } } });
    expect(decided.status, await decided.clone().text()).toBe(200);
    const parent = await waitForRun(stack, parentId, (r) => r.status === 'completed', 'the webhook run to complete');
    expect(parent.steps.find((s) => s.id === 'pay')).toMatchObject({ type: 'workflow', status: 'completed', output: { paid: true, amount: 300 } });
    const child = (await getRun(stack, childId))!;
    expect(child.status).toBe('completed');
    expect(child.steps.map((s) => [s.id, s.status])).toEqual([
      ['finance', 'completed'],
      ['notify', 'completed'],
    ]);
    expect(slackApi.requests).toHaveLength(1);
    expect(JSON.parse(slackApi.requests[0]!.body)).toMatchObject({ text: 'payout of 300 approved by ada' });
    for (const id of [parentId, childId]) expect(JSON.stringify(await stack.services.temporal.client.workflow.getHandle(id).fetchHistory())).not.toContain(SLACK_TOKEN);
  });

  it('an unknown workflow is refused at save (400, naming the step and the loaded ones); input its schema refuses fails the step with INVALID_INPUT naming it', async () => {
    const refused = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: { name: 'unknown code call', trigger: { type: 'manual' }, steps: [{ id: 'unknown', type: 'workflow', workflow: 'noSuchWorkflow' }] },
    });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { error: { code: string; details: { path: string; message: string }[] } };
    expect(problem.error.details).toEqual([expect.objectContaining({ path: 'body.steps[0].workflow', message: expect.stringContaining('no code workflow "noSuchWorkflow"') })]);
    expect(problem.error.details[0]!.message).toContain('payout');

    const { id } = await createAutomation(stack, {
      name: 'bad code calls',
      trigger: { type: 'manual' },
      steps: [{ id: 'badInput', type: 'workflow', workflow: 'payout', input: { amount: 'lots' } }],
    });
    const { body } = await startRun(stack, id, {});
    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'failed', 'the run to fail');
    const step = (sid: string) => run.steps.find((s) => s.id === sid) as { status: string; error?: { code: string; message: string } };
    expect(step('badInput')).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' } });
    expect(step('badInput').error!.message).toMatch(/input\.amount: must be number/);
    expect(step('badInput').error!.message).toMatch(/input\.slack: must have required property 'slack'/);
    // Nothing was started.
    const listed = (await (await stack.api('/api/v1/runs?automationId=workflow:payout')).json()) as { items: { workflowId: string }[] };
    expect(listed.items.filter((r) => r.workflowId.includes(body.workflowId.replace(/^run:/, '')))).toEqual([]);
  });

  it('a code run’s action on a rate-limited connection runs on that connection’s queue (named by name or by id)', async () => {
    const created = await stack.api('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'status-limited', config: { baseUrl: statusApi.url, rateLimit: { requests: 5, per: '1s' } } } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const queue = rateLimitedQueue(stack.config.temporal.taskQueue, id);
    await stack.worker!.rateLimited.refresh();
    expect(stack.worker!.rateLimited.polled().get(queue)).toBeGreaterThan(0);

    for (const connection of ['status-limited', id]) {
      const res = await stack.api('/api/v1/workflows/fetchStatus/runs', { method: 'POST', json: { input: { connection } } });
      expect(res.status).toBe(202);
      const { workflowId } = (await res.json()) as { workflowId: string };
      const run = await waitForRun(stack, workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the code run to finish');
      expect(run.status, JSON.stringify(run.steps)).toBe('completed');
      const history = await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory();
      const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
      const action = scheduled.find((a) => a.activityType?.name === 'runConnectorAction');
      expect(action?.taskQueue?.name, connection).toBe(queue);
    }
    expect(statusApi.requests).toHaveLength(2);
  });

  it('a code approval with notify: email mails each approver signed links; a link decides the run once', async () => {
    const smtpConn = await stack.api('/api/v1/connections', {
      method: 'POST',
      json: { name: 'smtp', connector: 'email', config: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Switchboard <bot@example.com>' }, secrets: SMTP },
    });
    expect(smtpConn.status).toBe(201);
    expect((await stack.api('/api/v1/principals/grace', { method: 'PUT', json: { email: 'grace@example.com' } })).status).toBe(201);

    const res = await stack.api('/api/v1/workflows/emailedApproval/runs', { method: 'POST', json: { input: { approvers: ['grace'], release: '2.7.0', smtp: 'smtp' } } });
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };

    await waitFor(async () => smtp.messages.some((m) => m.to.includes('grace@example.com')), 'the approval email');
    const mail = decodeQp(smtp.messages.find((m) => m.to.includes('grace@example.com'))!.raw);
    expect(mail).toContain('Release 2.7.0?');
    const links = [...mail.matchAll(/(Approve|Reject): (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/g)].map((m) => ({ kind: m[1]!, url: m[2]! }));
    expect(links.map((l) => l.kind)).toEqual(['Approve', 'Reject']);
    // Signed in the activity and only mailed: the run's history holds no usable link.
    const history = JSON.stringify(await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory());
    for (const l of links) expect(history).not.toContain(l.url.split('/approval-links/')[1]!);

    const approve = links.find((l) => l.kind === 'Approve')!.url;
    const decided = await fetch(approve, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'decision=approve&comment=ship+it' });
    expect(decided.status).toBe(200);
    // Single use: the pair's other link is spent too.
    expect((await fetch(links.find((l) => l.kind === 'Reject')!.url, { method: 'POST' })).status).toBe(409);

    const run = await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the code run to complete');
    expect(run.result).toEqual({ decision: 'approve', approver: 'grace', channel: 'email' });
  });
});
