/**
 * An agent's tool-call approvals where people work: a tool with `requireApproval`, a group
 * of approvers and `notify` posts each parked call to Slack (buttons) and mails each member
 * their own signed links, through the approval step's channel code. A member rejects by
 * email link (the model gets "rejected by <principal>: <comment>"), another approves the
 * next call in Slack, a principal outside the group is refused; Jira gets exactly one
 * create. Real dev server and worker; local fakes of Slack, SMTP, OpenAI and Jira.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../support/fakes/jira-api.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { blockActionsPayload, sendSlackInteraction, startSlackWebFake, type SlackUser, type SlackWebFake } from '../support/fakes/slack-web.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const TOKEN = 'xoxb-agent-approvals-token';
const SIGNING_SECRET = 'slack-signing-secret-agent';
const SMTP = { username: 'mailer', password: 'smtp-secret-password-3' };
const ADA: SlackUser = { id: 'U0ADA0001', name: 'ada.l', email: 'ada@example.com' };
const BOB: SlackUser = { id: 'U0BOB0002', name: 'bob.k', email: 'bob@example.com' };
const CAROL: SlackUser = { id: 'U0CAR0003', name: 'carol', email: 'carol@example.com' };

const decodeQp = (raw: string): string => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

describe('agent tool approvals in Slack and by email', () => {
  let stack: TestStack;
  let slack: SlackWebFake;
  let smtp: SmtpFake;
  let model: FakeOpenAi;
  let jira: FakeJira;
  let webhookUrl: string;

  const chats = () => model.requests.filter((r) => r.path === '/v1/chat/completions');

  beforeAll(async () => {
    slack = await startSlackWebFake({ token: TOKEN, users: [ADA, BOB, CAROL] });
    smtp = await smtpFake(SMTP);
    model = await startFakeOpenAi({ apiKey: 'sk-good' });
    jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token-1' });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    const create = async (json: unknown) => {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const slackId = await create({ name: 'slack-ops', connector: 'slack', config: { baseUrl: slack.apiUrl }, secrets: { botToken: TOKEN, signingSecret: SIGNING_SECRET } });
    await create({ name: 'smtp', connector: 'email', config: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Switchboard <bot@example.com>' }, secrets: SMTP });
    await create({ connector: 'openai', name: 'model', config: { baseUrl: model.baseUrl, model: 'fake-1' }, secrets: { apiKey: 'sk-good' } });
    await create({ connector: 'jira', name: 'jira', config: { baseUrl: jira.url, email: 'bot@example.com' }, secrets: { apiToken: 'jira-token-1' } });
    webhookUrl = `${stack.baseUrl}/webhooks/slack/${slackId}`;
    for (const [name, user] of [['ada', ADA], ['bob', BOB], ['carol', CAROL]] as const) {
      expect((await stack.api(`/api/v1/principals/${name}`, { method: 'PUT', json: { email: user.email, slackUserId: user.id } })).status).toBe(201);
    }
    expect((await stack.api('/api/v1/groups', { method: 'POST', json: { name: 'ops', members: ['ada', 'bob'] } })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await slack?.close();
    await smtp?.close();
    await model?.close();
    await jira?.close();
  });

  it('answers 400 at save for an unknown group, an unknown notify connection and notify without requireApproval', async () => {
    const save = (tool: Record<string, unknown>) =>
      stack.api('/api/v1/automations', { method: 'POST', json: { name: `bad ${Math.random()}`, trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'agent', connection: 'model', prompt: 'hi', tools: [{ connection: 'jira', action: 'create_issue', ...tool }] }] } });
    const details = async (res: Response) => {
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { details: { path: string; message: string }[] } }).error.details;
    };
    expect(await details(await save({ requireApproval: true, approvers: ['group:nope'], notify: [{ slack: { connection: 'no-such-slack', channel: '#x' } }] }))).toEqual([
      expect.objectContaining({ path: 'body.steps[0].tools[0].approvers[0]', message: expect.stringContaining('group "nope" does not exist') }),
      expect.objectContaining({ path: 'body.steps[0].tools[0].notify[0].slack.connection', message: expect.stringContaining('no-such-slack') }),
    ]);
    expect(JSON.stringify(await details(await save({ notify: [{ slack: { connection: 'slack-ops', channel: '#x' } }] })))).toContain('notify needs requireApproval: true');
  });

  it('posts each parked call to Slack and mails each group member; an email reject reaches the model, a Slack approve runs the tool once', async () => {
    const auto = await createAutomation(stack, {
      name: 'Ops agent',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'triage',
          type: 'agent',
          connection: 'model',
          prompt: 'Alert: {{ input.alert }}',
          tools: [{ connection: 'jira', action: 'create_issue', requireApproval: true, approvers: ['group:ops'], notify: [{ slack: { connection: 'slack-ops', channel: '#ops' } }, { email: { connection: 'smtp' } }] }],
        },
      ],
    });
    model.script.push(
      { content: 'The disk is full; a ticket lets ops fix it.', toolCalls: [{ id: 'call_a', name: 'jira_create_issue', arguments: { projectKey: 'WEB', summary: 'Disk full' } }] },
      { content: 'Filing in OPS instead.', toolCalls: [{ id: 'call_b', name: 'jira_create_issue', arguments: { projectKey: 'OPS', summary: 'Disk full on web-1' } }] },
      { content: 'Filed OPS-1.' },
    );
    const before = chats().length;
    const { body } = await startRun(stack, auto.id, { alert: 'disk full on web-1' });
    const wf = body.workflowId;

    // Slack: the tool, its arguments and the model's reason, with buttons deciding this call.
    const first = await waitFor(async () => slack.callsOf('chat.postMessage').find((c) => JSON.stringify(c.args['blocks']).includes('triage.round1.tool1')), 'the Slack message of the first call');
    expect(first.args['channel']).toBe('#ops');
    const blocks = JSON.stringify(first.args['blocks']);
    expect(blocks).toContain('Agent triage wants to call jira_create_issue');
    expect(blocks).toContain('The disk is full; a ticket lets ops fix it.');
    expect(blocks).toContain('\\"projectKey\\":\\"WEB\\"');
    expect(blocks).toContain('group:ops');

    // Email: ada and bob (the group's members) each get their own signed links.
    const mails = () => smtp.messages.filter((m) => decodeQp(m.raw).includes('triage.round1.tool1'));
    await waitFor(async () => mails().length === 2, 'an email to each member of ops');
    expect(mails().flatMap((m) => m.to).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    const bobMail = decodeQp(mails().find((m) => m.to.includes('bob@example.com'))!.raw);
    expect(bobMail).toContain('You are asked as bob.');
    expect(bobMail).toContain('arguments: {"projectKey":"WEB","summary":"Disk full"}');
    const reject = bobMail.match(/Reject: (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/)![1]!;
    const history = JSON.stringify(await stack.services.temporal.client.workflow.getHandle(wf).fetchHistory());
    expect(history).not.toContain(reject.split('/approval-links/')[1]!);
    expect(jira.created).toHaveLength(0);

    const rejected = await fetch(reject, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'decision=reject&comment=wrong+project%2C+use+OPS' });
    expect(rejected.status).toBe(200);

    // The second call gets a message of its own; carol (not in ops) is refused, ada (a member) approves.
    const second = await waitFor(async () => [...slack.messages.entries()].find(([k, m]) => k.startsWith('COPS:') && JSON.stringify(m).includes('triage.round2.tool1')), 'the Slack message of the second call');
    const toolResult = (chats()[before + 1]!.body as { messages: { role: string; content: string; tool_call_id?: string }[] }).messages.find((m) => m.role === 'tool');
    expect(toolResult).toEqual({ role: 'tool', tool_call_id: 'call_a', content: 'rejected by bob: wrong project, use OPS' });
    const click = (user: SlackUser, responseId: string) =>
      sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user, channel: 'COPS', message: second[1], actionId: 'switchboard_approval_approve', responseUrl: slack.responseUrl(responseId) }));
    expect((await click(CAROL, 'carol-1')).status).toBe(200);
    const refusal = await waitFor(async () => slack.responses.find((r) => r.id === 'carol-1'), 'the refusal to carol');
    expect(String(refusal.body['text'])).toContain('carol is not among its approvers');
    expect((await getRun(stack, wf))!.pendingApprovals.map((p) => p.stepId)).toEqual(['triage.round2.tool1']);
    expect((await click(ADA, 'ada-1')).status).toBe(200);

    const done = await waitForRun(stack, wf, (r) => r.status === 'completed', 'the agent run to complete');
    expect(jira.created).toHaveLength(1);
    expect(jira.created[0]).toMatchObject({ project: { key: 'OPS' } });
    expect(chats().length - before).toBe(3);
    const transcript = (done.steps[0] as unknown as { transcript: { kind: string; status?: string; by?: string }[] }).transcript.filter((t) => t.kind === 'approval');
    expect(transcript).toEqual([expect.objectContaining({ status: 'rejected', by: 'bob' }), expect.objectContaining({ status: 'approved', by: 'ada' })]);
    // The Slack message of the approved call now says who decided, without buttons.
    const update = await waitFor(async () => slack.callsOf('chat.update').find((c) => JSON.stringify(c.args['blocks']).includes('triage.round2.tool1')), 'the message update');
    expect(JSON.stringify(update.args['blocks'])).toContain('Approved by *ada*');
    expect(JSON.stringify(update.args['blocks'])).not.toContain('switchboard_approval_approve');
  }, 90_000);
});
