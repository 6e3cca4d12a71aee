/**
 * Slack and email approvals end to end: a real dev server and worker, a local Slack that
 * speaks the Web API and signs interaction payloads like Slack, and a real SMTP server.
 * An approval step with `notify` posts a Block Kit message and mails each approver; a
 * click decides as the Slack user's principal (mapped, or found by email through
 * users.info), an outsider gets an ephemeral refusal, a bad or stale signature is 401,
 * and an email link decides once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, sendSlackInteraction, startSlackWebFake, viewSubmissionPayload, type SlackUser, type SlackWebFake } from '../support/fakes/slack-web.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { DIALECTS } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const TOKEN = 'xoxb-approvals-test-token';
const SIGNING_SECRET = 'slack-signing-secret-approvals';
const SMTP = { username: 'mailer', password: 'smtp-secret-password-2' };
const ADA: SlackUser = { id: 'U0ADA0001', name: 'ada.l', email: 'ada@example.com' };
const BOB: SlackUser = { id: 'U0BOB0002', name: 'bob.k', email: 'Bob@Example.com' };
const EVE: SlackUser = { id: 'U0EVE0003', name: 'eve', email: 'eve@example.com' };

type Pending = { stepId: string; decisions: { approver: string; decision: string; comment: string | null; channel?: string }[] };

/** The decoded text of a raw MIME message (quoted-printable soft breaks joined, =XX decoded). */
function decodeQp(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe.each(DIALECTS)('Slack and email approvals on %s', (dialect) => {
  let stack: TestStack;
  let slack: SlackWebFake;
  let smtp: SmtpFake;
  let slackConnection: string;
  let webhookUrl: string;

  beforeAll(async () => {
    slack = await startSlackWebFake({ token: TOKEN, users: [ADA, BOB, EVE] });
    smtp = await smtpFake(SMTP);
    stack = await startTestStack({ dialect, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    const create = async (json: unknown) => {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    slackConnection = await create({ name: 'slack-approvals', connector: 'slack', config: { baseUrl: slack.apiUrl }, secrets: { botToken: TOKEN, signingSecret: SIGNING_SECRET } });
    await create({ name: 'smtp', connector: 'email', config: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Switchboard <bot@example.com>' }, secrets: SMTP });
    webhookUrl = `${stack.baseUrl}/webhooks/slack/${slackConnection}`;
    // ada is mapped by Slack user id; bob only by email (users.info finds it); eve is no principal.
    expect((await stack.api('/api/v1/principals/ada', { method: 'PUT', json: { email: 'ada@example.com', slackUserId: ADA.id } })).status).toBe(201);
    expect((await stack.api('/api/v1/principals/bob', { method: 'PUT', json: { email: 'bob@example.com' } })).status).toBe(201);
  });
  afterAll(async () => {
    await stack?.close();
    await slack?.close();
    await smtp?.close();
  });

  it('PUT /principals validates, updates and refuses a Slack user that belongs to someone else', async () => {
    const bad = await stack.api('/api/v1/principals/carol', { method: 'PUT', json: { email: 'not-an-email', slackUserId: 'nope' } });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.slackUserId']));
    const taken = await stack.api('/api/v1/principals/carol', { method: 'PUT', json: { slackUserId: ADA.id } });
    expect(taken.status).toBe(409);
    const ok = await stack.api('/api/v1/principals/carol', { method: 'PUT', json: { email: 'carol@example.com' } });
    expect(ok.status).toBe(201);
    const again = await stack.api('/api/v1/principals/carol', { method: 'PUT', json: { email: null } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ name: 'carol', email: null, slackUserId: null });
    const list = (await (await stack.api('/api/v1/principals')).json()) as { items: { name: string }[] };
    expect(list.items.map((p) => p.name)).toEqual(['ada', 'bob', 'carol']);
  });

  it('refuses an unknown notify connection and a missing `to` at save, with paths', async () => {
    const res = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: {
        name: 'bad notify',
        trigger: { type: 'manual' },
        steps: [
          { id: 'a', type: 'approval', approvers: ['ada'], timeout: '1h', onTimeout: 'fail', notify: [{ slack: { connection: 'no-such-slack', channel: '#x' } }] },
          { id: 'b', type: 'approval', timeout: '1h', onTimeout: 'fail', notify: [{ email: { connection: 'smtp' } }] },
        ],
      },
    });
    expect(res.status).toBe(400);
    const text = JSON.stringify(await res.json());
    expect(text).toContain('body.steps.1.notify.0.email.to');
    const refs = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: { name: 'bad notify 2', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'approval', approvers: ['ada'], timeout: '1h', onTimeout: 'fail', notify: [{ slack: { connection: 'no-such-slack', channel: '#x' } }] }] },
    });
    expect(refs.status).toBe(400);
    const body = JSON.stringify(await refs.json());
    expect(body).toContain('steps[0].notify[0].slack.connection');
    expect(body).toContain('no-such-slack');
  });

  it('Slack: posts the request, refuses bad signatures and outsiders, decides as the mapped principal once, updates the message; email links decide', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Refunds',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['ada', 'bob'],
          quorum: 2,
          timeout: '1h',
          onTimeout: 'fail',
          title: 'Refund {{ input.amount }} EUR to {{ input.customer }}?',
          description: 'Order {{ input.order }} arrived broken.',
          context: [{ label: 'Order', value: '{{ input.order }}' }],
          notify: [{ slack: { connection: 'slack-approvals', channel: '#refunds' } }, { email: { connection: 'smtp' } }],
        },
        { id: 'done', type: 'transform', output: '{{ steps.review.output.decision }}' },
      ],
    });
    const { body } = await startRun(stack, id, { amount: 42, customer: 'cy@example.com', order: 'A-1001' });
    const posted = await waitFor(async () => slack.callsOf('chat.postMessage')[0], 'the Slack message');
    expect(posted.args['channel']).toBe('#refunds');
    const blocksText = JSON.stringify(posted.args['blocks']);
    expect(blocksText).toContain('Refund 42 EUR to cy@example.com?');
    expect(blocksText).toContain('Refunds');
    expect(blocksText).toContain('A-1001');
    expect(blocksText).toContain('ada, bob (2 of them)');
    expect(blocksText).toContain(`/runs/${encodeURIComponent(body.workflowId)}`);
    const channel = 'CREFUNDS';
    const message = [...slack.messages.entries()].find(([k]) => k.startsWith(`${channel}:`))![1];
    const pendingOf = async () => (await getRun(stack, body.workflowId))!.pendingApprovals[0] as unknown as Pending;
    const click = (user: SlackUser, actionId: string, opts: { secret?: string; timestamp?: number; headers?: Record<string, string>; responseId?: string } = {}) =>
      sendSlackInteraction(webhookUrl, opts.secret ?? SIGNING_SECRET, blockActionsPayload({ user, channel, message, actionId, responseUrl: slack.responseUrl(opts.responseId ?? user.id) }), opts);

    // Bad and stale signatures: 401, nothing decided.
    expect((await click(ADA, 'switchboard_approval_approve', { secret: 'wrong-secret' })).status).toBe(401);
    expect((await click(ADA, 'switchboard_approval_approve', { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    // An outsider (a Slack user with no principal, even via users.info): ephemeral refusal, nothing changes.
    const outsider = await click(EVE, 'switchboard_approval_approve');
    expect(outsider.status).toBe(200);
    const refusal = await waitFor(async () => slack.responses.find((r) => r.id === EVE.id), 'the ephemeral refusal');
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(refusal.body['text'])).toContain('You cannot decide this approval');
    expect(slack.callsOf('users.info').map((c) => c.args['user'])).toContain(EVE.id);
    expect((await pendingOf()).decisions).toEqual([]);

    // ada (mapped by id) approves; a double click and Slack's retry decide nothing more.
    const approved = await click(ADA, 'switchboard_approval_approve');
    expect(approved.status).toBe(200);
    expect(await approved.text()).toBe('');
    expect((await click(ADA, 'switchboard_approval_approve', { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    expect((await click(ADA, 'switchboard_approval_approve', { responseId: 'ada-double' })).status).toBe(200);
    const afterAda = await pendingOf();
    expect(afterAda.decisions).toEqual([expect.objectContaining({ approver: 'ada', decision: 'approve', channel: 'slack' })]);
    const update = slack.callsOf('chat.update')[0]!;
    expect(update.args).toMatchObject({ channel, ts: message['ts'] });
    expect(JSON.stringify(update.args['blocks'])).toContain('Approved by *ada*');
    // Still open for bob (quorum 2): the buttons stay.
    expect(JSON.stringify(update.args['blocks'])).toContain('switchboard_approval_approve');
    expect(slack.responses.find((r) => r.id === 'ada-double')?.body['text']).toMatch(/already decided/);

    // Email: each approver got their own message with the context and links.
    await waitFor(async () => smtp.messages.length >= 2, 'two approval emails');
    const mailTo = (addr: string) => decodeQp(smtp.messages.find((m) => m.to.includes(addr))!.raw);
    const bobMail = mailTo('bob@example.com');
    expect(mailTo('ada@example.com')).toContain('You are asked as ada.');
    expect(bobMail).toContain('Refund 42 EUR to cy@example.com?');
    expect(bobMail).toContain('Order: A-1001');
    expect(bobMail).toMatch(/Content-Type: text\/html/i);
    const links = [...bobMail.matchAll(/(?:Approve|Reject): (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    // The run's history holds no link of the email: they were signed in the activity and only mailed.
    const history = JSON.stringify(await stack.services.temporal.client.workflow.getHandle(body.workflowId).fetchHistory());
    for (const link of links) expect(history).not.toContain(link.split('/approval-links/')[1]!);
    const page = await fetch(links[0]!, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const decided = await fetch(links[0]!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'decision=approve&comment=fine+by+me' });
    expect(decided.status).toBe(200);
    expect((await fetch(links[1]!, { method: 'POST' })).status).toBe(409);

    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    const out = run.steps.find((s) => s.id === 'review')!.output as Pending & { decision: string };
    expect(out.decision).toBe('approve');
    expect(out.decisions).toEqual([
      expect.objectContaining({ approver: 'ada', channel: 'slack' }),
      expect.objectContaining({ approver: 'bob', channel: 'email', comment: 'fine by me' }),
    ]);
    expect(run.steps.find((s) => s.id === 'done')!.output).toBe('approve');
  });

  it('Slack reject: the button opens a modal; its submission rejects with the comment as the user found by email, and the message says so', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Deploys',
      trigger: { type: 'manual' },
      steps: [{ id: 'gate', type: 'approval', approvers: ['bob'], timeout: '1h', onTimeout: 'fail', title: 'Deploy {{ input.v }}?', notify: [{ slack: { connection: slackConnection, channel: 'C0DEPLOYS' } }] }],
    });
    const before = slack.callsOf('chat.postMessage').length;
    const { body } = await startRun(stack, id, { v: '2.4.0' });
    const posted = await waitFor(async () => slack.callsOf('chat.postMessage')[before], 'the Slack message');
    const message = [...slack.messages.entries()].find(([k, m]) => k.startsWith('C0DEPLOYS:') && JSON.stringify(m).includes('Deploy 2.4.0?'))![1];
    expect(posted.args['channel']).toBe('C0DEPLOYS');
    const rejected = await sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user: BOB, channel: 'C0DEPLOYS', message, actionId: 'switchboard_approval_reject', responseUrl: slack.responseUrl('bob'), triggerId: 'trig-1' }));
    expect(rejected.status).toBe(200);
    const opened = await waitFor(async () => slack.callsOf('views.open').find((c) => c.args['trigger_id'] === 'trig-1'), 'the reject modal');
    const view = opened.args['view'] as Record<string, unknown>;
    expect((await getRun(stack, body.workflowId))!.pendingApprovals).toHaveLength(1);

    const submitted = await sendSlackInteraction(webhookUrl, SIGNING_SECRET, viewSubmissionPayload({ user: BOB, view, values: { comment: { comment: 'not on a Friday' } } }));
    expect(submitted.status).toBe(200);
    expect(await submitted.json()).toEqual({ response_action: 'clear' });
    const run = await waitForRun(stack, body.workflowId, (r) => r.status !== 'running' && r.status !== 'waiting_approval', 'the run to end');
    expect(run.steps.find((s) => s.id === 'gate')!.output).toMatchObject({ decision: 'reject', approver: 'bob', comment: 'not on a Friday', channel: 'slack' });
    const update = await waitFor(async () => slack.callsOf('chat.update').find((c) => c.args['ts'] === message['ts']), 'the message update');
    const text = JSON.stringify(update.args['blocks']);
    expect(text).toContain("Rejected by *bob*");
    expect(text).toContain('not on a Friday');
    expect(text).not.toContain('switchboard_approval_approve');
  });

  it('a group of approvers: each member with an email gets links of their own, a member decides in Slack, another by email, quorum by distinct principals', async () => {
    const group = `finance-${dialect}`;
    expect((await stack.api('/api/v1/groups', { method: 'POST', json: { name: group, members: ['ada', 'bob', 'carol'] } })).status).toBe(201);
    const { id } = await createAutomation(stack, {
      name: 'Group refunds',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: [`group:${group}`],
          quorum: 2,
          timeout: '1h',
          onTimeout: 'fail',
          title: 'Group refund {{ input.n }}?',
          notify: [{ email: { connection: 'smtp' } }, { slack: { connection: 'slack-approvals', channel: 'C0GRP' } }],
        },
      ],
    });
    const { body } = await startRun(stack, id, { n: dialect });
    const marker = `Group refund ${dialect}?`;
    const mails = () => smtp.messages.filter((m) => decodeQp(m.raw).includes(marker));
    // ada and bob have emails; carol has none (she can still decide in the console or Slack).
    await waitFor(async () => mails().length === 2, 'an email to each member with an email');
    expect(mails().flatMap((m) => m.to).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    const bobMail = decodeQp(mails().find((m) => m.to.includes('bob@example.com'))!.raw);
    expect(bobMail).toContain('You are asked as bob.');
    const bobApprove = bobMail.match(/Approve: (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/)![1]!;

    const posted = await waitFor(async () => [...slack.messages.entries()].find(([k, m]) => k.startsWith('C0GRP:') && JSON.stringify(m).includes(marker)), 'the Slack message');
    expect((await sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user: ADA, channel: 'C0GRP', message: posted[1], actionId: 'switchboard_approval_approve', responseUrl: slack.responseUrl('ada-grp') }))).status).toBe(200);
    await waitFor(async () => ((await getRun(stack, body.workflowId))!.pendingApprovals[0] as unknown as Pending | undefined)?.decisions.length === 1, 'ada’s decision');
    const decided = await fetch(bobApprove, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'decision=approve&comment=ok' });
    expect(decided.status).toBe(200);

    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect((run.steps.find((s) => s.id === 'review')!.output as Pending).decisions).toEqual([
      expect.objectContaining({ approver: 'ada', channel: 'slack', group: `group:${group}` }),
      expect.objectContaining({ approver: 'bob', channel: 'email', group: `group:${group}` }),
    ]);
  });

  it('escalation asks the added approvers on the same channels: an email to them and a new Slack message they can decide in', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Escalating',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'gate',
          type: 'approval',
          approvers: ['bob'],
          timeout: '1h',
          onTimeout: 'fail',
          escalate: { after: '2s', approvers: ['ada'] },
          title: 'Escalate {{ input.n }}?',
          notify: [{ email: { connection: 'smtp' } }, { slack: { connection: 'slack-approvals', channel: 'C0ESC' } }],
        },
      ],
    });
    const { body } = await startRun(stack, id, { n: dialect });
    const marker = `Escalate ${dialect}?`;
    const mails = () => smtp.messages.filter((m) => decodeQp(m.raw).includes(marker));
    await waitFor(async () => mails().length === 1, 'the first email');
    expect(mails()[0]!.to).toEqual(['bob@example.com']);
    const escalated = await waitFor(async () => [...slack.messages.entries()].find(([k, m]) => k.startsWith('C0ESC:') && JSON.stringify(m).includes(marker) && JSON.stringify(m).includes('Escalated to *ada*')), 'the escalation message');
    await waitFor(async () => mails().length === 2, 'the escalation email');
    expect(mails()[1]!.to).toEqual(['ada@example.com']);
    const res = await sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user: ADA, channel: 'C0ESC', message: escalated[1], actionId: 'switchboard_approval_approve', responseUrl: slack.responseUrl('ada-esc') }));
    expect(res.status).toBe(200);
    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(run.steps.find((s) => s.id === 'gate')!.output).toMatchObject({ decision: 'approve', approver: 'ada', channel: 'slack', escalated: true });
  });
});
