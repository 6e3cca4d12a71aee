/**
 * Approvals on channels, beyond the first message: a form filled in a Slack modal
 * (views.open, view_submission validated like every channel, errors beside the fields),
 * the Slack message closed when the step is decided elsewhere, times out or is cancelled,
 * reminders on the step's channels (a reply in the message's thread, an email to who has
 * not decided), and approval emails through SendGrid. A real dev server and worker; Slack
 * and SendGrid are local fakes in their wire formats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { sendgridResponder } from '../support/fakes/sendgrid-api.ts';
import { blockActionsPayload, sendSlackInteraction, startSlackWebFake, viewSubmissionPayload, type SlackUser, type SlackWebFake } from '../support/fakes/slack-web.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const TOKEN = 'xoxb-approval-channels-token';
const SIGNING_SECRET = 'slack-signing-secret-channels';
const SENDGRID_KEY = 'SG.approval-channels-key-1';
const ADA: SlackUser = { id: 'U0ADA0101', name: 'ada.l', email: 'ada@example.com' };
const BOB: SlackUser = { id: 'U0BOB0102', name: 'bob.k', email: 'bob@example.com' };

type Decision = { approver: string; decision: string; comment: string | null; channel?: string; form?: Record<string, unknown> };
type Pending = { stepId: string; decisions: Decision[] };
type Mail = { personalizations: { to: { email: string }[] }[]; from: { email: string }; subject: string; content: { type: string; value: string }[] };

describe('approvals on channels: Slack forms, closing messages, reminders, SendGrid', () => {
  let stack: TestStack;
  let slack: SlackWebFake;
  let sendgrid: HttpFake;
  let webhookUrl: string;

  beforeAll(async () => {
    slack = await startSlackWebFake({ token: TOKEN, users: [ADA, BOB] });
    sendgrid = await httpFake(sendgridResponder());
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    const create = async (json: unknown) => {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const slackId = await create({ name: 'slack', connector: 'slack', config: { baseUrl: slack.apiUrl }, secrets: { botToken: TOKEN, signingSecret: SIGNING_SECRET } });
    await create({ name: 'sendgrid', connector: 'sendgrid', config: { baseUrl: sendgrid.url, from: 'approvals@example.com', fromName: 'Switchboard' }, secrets: { apiKey: SENDGRID_KEY } });
    webhookUrl = `${stack.baseUrl}/webhooks/slack/${slackId}`;
    for (const [name, user] of [['ada', ADA], ['bob', BOB]] as const) {
      expect((await stack.api(`/api/v1/principals/${name}`, { method: 'PUT', json: { email: user.email, slackUserId: user.id } })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await stack?.close();
    await slack?.close();
    await sendgrid?.close();
  });

  const messageOf = (channel: string, marker: string) => waitFor(async () => [...slack.messages.entries()].find(([k, m]) => k.startsWith(`${channel}:`) && JSON.stringify(m).includes(marker))?.[1], `the Slack message "${marker}"`);
  const pendingOf = async (workflowId: string) => (await getRun(stack, workflowId))!.pendingApprovals[0] as unknown as Pending | undefined;
  const mails = () => sendgrid.requests().filter((r) => r.method === 'POST' && r.url === '/v3/mail/send').map((r) => r.json as Mail);

  it('approve in Slack on a step with a form: a modal asks the fields, a bad value is shown beside its field (still pending), a good one approves with the values', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Refunds with a form',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['ada'],
          timeout: '1h',
          onTimeout: 'fail',
          title: 'Refund {{ input.order }}?',
          form: {
            type: 'object',
            required: ['reason', 'amount', 'category'],
            properties: {
              reason: { type: 'string', title: 'Reason', minLength: 3 },
              amount: { type: 'number', title: 'Amount (EUR)', minimum: 1, maximum: 500 },
              category: { enum: ['damaged', 'late', 'other'], title: 'Category' },
              vip: { type: 'boolean', title: 'VIP customer' },
            },
          },
          notify: [{ slack: { connection: 'slack', channel: 'C0FORMS' } }],
        },
      ],
    });
    const { body } = await startRun(stack, id, { order: 'F-7' });
    const message = await messageOf('C0FORMS', 'Refund F-7?');
    const click = await sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user: ADA, channel: 'C0FORMS', message, actionId: 'switchboard_approval_approve', responseUrl: slack.responseUrl('ada-form'), triggerId: 'trig-form' }));
    expect(click.status).toBe(200);
    const opened = await waitFor(async () => slack.callsOf('views.open').find((c) => c.args['trigger_id'] === 'trig-form'), 'the form modal');
    const view = opened.args['view'] as { callback_id: string; blocks: { type: string; block_id?: string; optional?: boolean; element?: { type: string; options?: { value: string }[] } }[] };
    expect(view.callback_id).toBe('switchboard_approval_approve_modal');
    const inputs = Object.fromEntries(view.blocks.filter((b) => b.type === 'input').map((b) => [b.block_id, b]));
    expect(inputs['form:reason']).toMatchObject({ optional: false, element: { type: 'plain_text_input' } });
    expect(inputs['form:amount']).toMatchObject({ optional: false, element: { type: 'number_input', is_decimal_allowed: true, min_value: '1', max_value: '500' } });
    expect(inputs['form:category']!.element!.options!.map((o: { value: string }) => o.value)).toEqual(['"damaged"', '"late"', '"other"']);
    expect(inputs['form:vip']).toMatchObject({ optional: true, element: { type: 'checkboxes' } });
    expect(inputs['comment']).toMatchObject({ optional: true });
    // Nothing is decided by the click.
    expect((await pendingOf(body.workflowId))!.decisions).toEqual([]);

    const submit = (values: Record<string, Record<string, string | Record<string, unknown>>>) => sendSlackInteraction(webhookUrl, SIGNING_SECRET, viewSubmissionPayload({ user: ADA, view: opened.args['view'] as Record<string, unknown>, values }));
    const category = { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'late' }, value: '"late"' } };
    const bad = await submit({ 'form:reason': { value: 'no' }, 'form:amount': { value: { type: 'number_input', value: '900' } }, 'form:category': { value: category }, 'form:vip': { value: { type: 'checkboxes', selected_options: [] } } });
    expect(bad.status).toBe(200);
    const errors = (await bad.json()) as { response_action: string; errors: Record<string, string> };
    expect(errors.response_action).toBe('errors');
    expect(Object.keys(errors.errors).sort()).toEqual(['form:amount', 'form:reason']);
    expect(errors.errors['form:amount']).toMatch(/<= 500/);
    expect((await pendingOf(body.workflowId))!.decisions).toEqual([]);

    const good = await submit({
      'form:reason': { value: 'parcel lost' },
      'form:amount': { value: { type: 'number_input', value: '42.5' } },
      'form:category': { value: category },
      'form:vip': { value: { type: 'checkboxes', selected_options: [{ value: 'true', text: { type: 'plain_text', text: 'Yes' } }] } },
      comment: { comment: 'ok, refund' },
    });
    expect(await good.json()).toEqual({ response_action: 'clear' });
    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(run.steps.find((s) => s.id === 'review')!.output).toMatchObject({
      decision: 'approve',
      approver: 'ada',
      channel: 'slack',
      comment: 'ok, refund',
      form: { reason: 'parcel lost', amount: 42.5, category: 'late', vip: true },
    });
    const closed = await waitFor(async () => slack.messages.get(`C0FORMS:${String(message['ts'])}`), 'the message');
    expect(JSON.stringify(closed['blocks'])).toContain('Approved by *ada*');
    expect(JSON.stringify(closed['blocks'])).not.toContain('switchboard_approval_approve');
  });

  it('a form Slack cannot show (an array field): the approver is told to approve in Switchboard, nothing is decided', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Nested form',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['ada'],
          timeout: '1h',
          onTimeout: 'fail',
          title: 'Tags for {{ input.n }}?',
          form: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } },
          notify: [{ slack: { connection: 'slack', channel: 'C0NESTED' } }],
        },
      ],
    });
    const { body } = await startRun(stack, id, { n: 'x1' });
    const message = await messageOf('C0NESTED', 'Tags for x1?');
    const before = slack.callsOf('views.open').length;
    expect((await sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user: ADA, channel: 'C0NESTED', message, actionId: 'switchboard_approval_approve', responseUrl: slack.responseUrl('ada-nested') }))).status).toBe(200);
    const told = await waitFor(async () => slack.responses.find((r) => r.id === 'ada-nested'), 'the ephemeral answer');
    expect(told.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told.body['text'])).toContain('approve it in Switchboard');
    expect(String(told.body['text'])).toContain(`/runs/${encodeURIComponent(body.workflowId)}`);
    expect(slack.callsOf('views.open')).toHaveLength(before);
    expect((await pendingOf(body.workflowId))!.decisions).toEqual([]);
    expect((await stack.api(`/api/v1/runs/${body.workflowId}/cancel`, { method: 'POST' })).status).toBe(202);
  });

  it('the Slack message is closed when the step is decided in the API, times out, or the run is cancelled', async () => {
    const define = (name: string, timeout: string, onTimeout: string) =>
      createAutomation(stack, {
        name,
        trigger: { type: 'manual' },
        steps: [{ id: 'gate', type: 'approval', approvers: ['ada', 'bob'], quorum: 2, timeout, onTimeout, title: `${name} {{ input.n }}?`, notify: [{ slack: { connection: 'slack', channel: 'C0CLOSE' } }] }],
      });
    const decided = await define('Decided elsewhere', '1h', 'fail');
    const timed = await define('Timing out', '3s', 'reject');
    const cancelled = await define('Cancelled', '1h', 'fail');
    const runs = {
      decided: (await startRun(stack, decided.id, { n: 1 })).body.workflowId,
      timed: (await startRun(stack, timed.id, { n: 2 })).body.workflowId,
      cancelled: (await startRun(stack, cancelled.id, { n: 3 })).body.workflowId,
    };
    const decidedMsg = await messageOf('C0CLOSE', 'Decided elsewhere 1?');
    const cancelledMsg = await messageOf('C0CLOSE', 'Cancelled 3?');
    const timedMsg = await messageOf('C0CLOSE', 'Timing out 2?');
    const current = (m: Record<string, unknown>) => JSON.stringify(slack.messages.get(`C0CLOSE:${String(m['ts'])}`));

    // Decided through the API (console): ada approves — the message shows it and keeps the buttons
    // (quorum 2); bob rejects — the message says both, no buttons.
    const decideAs = (approver: string, decision: string) => stack.api(`/api/v1/runs/${runs.decided}/approvals/gate`, { method: 'POST', json: { decision, approver, comment: `${approver} says ${decision}` } });
    expect((await decideAs('ada', 'approve')).status).toBe(200);
    await waitFor(async () => current(decidedMsg).includes('Approved by *ada*'), 'the message showing ada’s decision');
    expect(current(decidedMsg)).toContain('switchboard_approval_approve');
    expect((await decideAs('bob', 'reject')).status).toBe(200);
    await waitForRun(stack, runs.decided, (r) => r.status === 'completed', 'the decided run');
    await waitFor(async () => current(decidedMsg).includes('Rejected by *bob*'), 'the decided message update');
    expect(current(decidedMsg)).toContain('Approved by *ada*');
    expect(current(decidedMsg)).toContain("'bob says reject'");
    expect(current(decidedMsg)).not.toContain('switchboard_approval_approve');
    expect(current(decidedMsg)).toContain('switchboard_approval_open');

    // Cancelled: the message says so.
    expect((await stack.api(`/api/v1/runs/${runs.cancelled}/cancel`, { method: 'POST' })).status).toBe(202);
    await waitFor(async () => current(cancelledMsg).includes('Cancelled: the run was cancelled'), 'the cancelled message update');
    expect(current(cancelledMsg)).not.toContain('switchboard_approval_approve');
    await waitForRun(stack, runs.cancelled, (r) => r.status === 'cancelled', 'the cancelled run');

    // Timed out (onTimeout: reject).
    await waitForRun(stack, runs.timed, (r) => r.status === 'completed', 'the timed-out run');
    await waitFor(async () => current(timedMsg).includes('Timed out: no decision before the deadline (rejected by default)'), 'the timed-out message update');
    expect(current(timedMsg)).not.toContain('switchboard_approval_reject');
  });

  it('reminders go to the channels: a reply in the Slack thread, an email through SendGrid to who has not decided; they stop once decided', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Reminded',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['ada', 'bob'],
          quorum: 2,
          timeout: '1h',
          onTimeout: 'fail',
          remind: { every: '4s', before: '1h' },
          title: 'Reminded refund {{ input.n }}?',
          notify: [{ slack: { connection: 'slack', channel: 'C0REMIND' } }, { email: { connection: 'sendgrid' } }],
        },
      ],
    });
    const { body } = await startRun(stack, id, { n: 9 });
    const marker = 'Reminded refund 9?';
    const message = await messageOf('C0REMIND', marker);
    // The first request: an email to each approver through SendGrid's Mail Send, with their own links.
    const ours = () => mails().filter((m) => m.subject.includes(marker));
    await waitFor(async () => ours().length === 2, 'two approval emails');
    expect(ours().map((m) => m.personalizations[0]!.to[0]!.email).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    const first = ours().find((m) => m.personalizations[0]!.to[0]!.email === 'ada@example.com')!;
    expect(first.from).toEqual({ email: 'approvals@example.com', name: 'Switchboard' });
    expect(first.subject).toBe(`Approval needed: ${marker}`);
    expect(first.content.map((c) => c.type)).toEqual(['text/plain', 'text/html']);
    expect(first.content[0]!.value).toContain('You are asked as ada.');
    const adaApprove = first.content[0]!.value.match(/Approve: (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/)![1]!;
    expect(sendgrid.requests().find((r) => r.url === '/v3/mail/send')!.headers.authorization).toBe(`Bearer ${SENDGRID_KEY}`);

    // ada approves through her emailed link; the reminders after it go to bob only.
    const page = await fetch(adaApprove, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'decision=approve' });
    expect(page.status).toBe(200);
    await waitFor(async () => (await pendingOf(body.workflowId))?.decisions.length === 1, 'ada’s decision');
    const sentAt = Date.now();
    const reply = await waitFor(async () => slack.callsOf('chat.postMessage').find((c) => c.args['thread_ts'] === message['ts']), 'a reminder in the thread', 20_000);
    expect(reply.args).toMatchObject({ channel: 'C0REMIND', reply_broadcast: true });
    expect(String(reply.args['text'])).toContain(`Reminder: still waiting for a decision on *${marker}*`);
    const reminders = () => ours().filter((m) => m.subject.startsWith('Reminder'));
    await waitFor(async () => reminders().length >= 1, 'a reminder email', 20_000);
    // ada decided before the reminders: they go to bob.
    expect(new Set(reminders().map((m) => m.personalizations[0]!.to[0]!.email))).toEqual(new Set(['bob@example.com']));
    expect(reminders()[0]!.subject).toBe(`Reminder: approval still needed: ${marker}`);
    expect(Date.now() - sentAt).toBeLessThan(20_000);

    const res = await stack.api(`/api/v1/runs/${body.workflowId}/approvals/review`, { method: 'POST', json: { decision: 'approve', approver: 'bob' } });
    expect(res.status).toBe(200);
    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    const out = run.steps.find((s) => s.id === 'review')!.output as { remindersSent: number; decisions: Decision[] };
    expect(out.remindersSent).toBeGreaterThanOrEqual(1);
    expect(out.decisions.map((d) => [d.approver, d.channel])).toEqual([
      ['ada', 'email'],
      ['bob', 'api'],
    ]);
    // No reminder after the decision.
    const count = { slack: slack.callsOf('chat.postMessage').filter((c) => c.args['thread_ts'] === message['ts']).length, mail: reminders().length };
    expect(count.slack).toBe(out.remindersSent);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(slack.callsOf('chat.postMessage').filter((c) => c.args['thread_ts'] === message['ts'])).toHaveLength(count.slack);
    expect(reminders()).toHaveLength(count.mail);
    await waitFor(async () => JSON.stringify(slack.messages.get(`C0REMIND:${String(message['ts'])}`)).includes('Approved by *bob*'), 'the message closed');
  });

  it('refuses `remind` without an action on a step without notify (400 with the path)', async () => {
    const res = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: { name: 'bad remind', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'approval', approvers: ['ada'], timeout: '1h', onTimeout: 'fail', remind: { every: '1m' } }] },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('body.steps.0.remind');
  });
});
