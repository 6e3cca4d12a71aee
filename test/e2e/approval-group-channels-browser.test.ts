/**
 * Issue 22's first acceptance case end to end: a webhook run asks `group:finance` (2 of 3
 * members) to approve a refund with a form field `reason`. A Slack user outside the group
 * is refused (ephemeral, still pending); one member approves in Slack (the form in a modal),
 * another through the emailed link in Chromium (the form on the link page); the Slack
 * message is closed with both decisions and the run continues with the reasons in
 * `steps.review.output`. A real dev server, worker, SMTP server and Chromium; Slack is a
 * local fake of its Web API that signs interactions like Slack.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../connectors/sdk/index.ts';
import { launchChromium } from '../support/browser.ts';
import { blockActionsPayload, sendSlackInteraction, startSlackWebFake, viewSubmissionPayload, type SlackUser, type SlackWebFake } from '../support/fakes/slack-web.ts';
import { createAutomation, getRun, waitFor, waitForRun } from '../support/runs.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver, nowSeconds } from '../support/webhooks.ts';

const TOKEN = 'xoxb-acceptance-token';
const SIGNING_SECRET = 'slack-signing-secret-acceptance';
const SMTP = { username: 'mailer', password: 'smtp-secret-password-4' };
const WHSEC = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
const ADA: SlackUser = { id: 'U0ADA0201', name: 'ada.l', email: 'ada@example.com' };
const EVE: SlackUser = { id: 'U0EVE0203', name: 'eve', email: 'eve@example.com' };

type Decision = { approver: string; decision: string; channel?: string; group?: string; form?: Record<string, unknown> };

describe('a group approves a refund in Slack and by email (browser e2e)', () => {
  let stack: TestStack;
  let slack: SlackWebFake;
  let smtp: SmtpFake;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    slack = await startSlackWebFake({ token: TOKEN, users: [ADA, EVE] });
    smtp = await smtpFake(SMTP);
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await slack?.close();
    await smtp?.close();
  });

  it('one member in Slack (form modal), one by the emailed link; an outsider is refused; the message is closed', async () => {
    const create = async (json: unknown) => {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const slackId = await create({ name: 'slack', connector: 'slack', config: { baseUrl: slack.apiUrl }, secrets: { botToken: TOKEN, signingSecret: SIGNING_SECRET } });
    await create({ name: 'smtp', connector: 'email', config: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Switchboard <bot@example.com>' }, secrets: SMTP });
    const hook = await createTestConnection(stack.services, 'webhook', { signingSecret: WHSEC });
    for (const [name, profile] of [
      ['ada', { email: ADA.email, slackUserId: ADA.id }],
      ['bob', { email: 'bob@example.com' }],
      ['carl', { email: 'carl@example.com' }],
      ['eve', { slackUserId: EVE.id }],
    ] as const) {
      expect((await stack.api(`/api/v1/principals/${name}`, { method: 'PUT', json: profile })).status).toBe(201);
    }
    expect((await stack.api('/api/v1/groups', { method: 'POST', json: { name: 'finance', members: ['ada', 'bob', 'carl'] } })).status).toBe(201);
    const { id } = await createAutomation(stack, {
      name: 'Customer refunds',
      trigger: { type: 'webhook', connection: hook, events: ['*'] },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['group:finance'],
          quorum: 2,
          timeout: '1h',
          onTimeout: 'reject',
          title: 'Refund {{ trigger.payload.data.amount }} € to {{ trigger.payload.data.customer }}?',
          form: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', title: 'Reason', minLength: 3 } } },
          notify: [{ slack: { connection: 'slack', channel: 'C0REFUNDS' } }, { email: { connection: 'smtp' } }],
        },
        { id: 'after', type: 'transform', output: '{{ steps.review.output.decisions.form.reason }}' },
      ],
    });

    const body = JSON.stringify({ type: 'refund.requested', data: { amount: 129, customer: 'cy@example.com' } });
    const msgId = `msg_${randomUUID()}`;
    const ts = nowSeconds();
    const delivered = await deliver(stack.baseUrl, `/webhooks/webhook/${hook}`, body, {
      'content-type': 'application/json',
      'webhook-id': msgId,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook({ id: msgId, timestamp: ts, rawBody: body, secret: WHSEC }),
    });
    expect(delivered.status).toBe(202);
    const workflowId = await waitFor(async () => ((await (await stack.api(`/api/v1/runs?automationId=${id}`)).json()) as { items: { workflowId: string }[] }).items[0]?.workflowId, 'the webhook run');
    const title = 'Refund 129 € to cy@example.com?';

    // The Slack message names the automation and the rendered title.
    const message = await waitFor(async () => [...slack.messages.entries()].find(([k, m]) => k.startsWith('C0REFUNDS:') && JSON.stringify(m).includes(title))?.[1], 'the Slack message');
    expect(JSON.stringify(message['blocks'])).toContain('Customer refunds');
    const webhookUrl = `${stack.baseUrl}/webhooks/slack/${slackId}`;
    const click = (user: SlackUser, responseId: string, triggerId: string) =>
      sendSlackInteraction(webhookUrl, SIGNING_SECRET, blockActionsPayload({ user, channel: 'C0REFUNDS', message, actionId: 'switchboard_approval_approve', responseUrl: slack.responseUrl(responseId), triggerId }));
    const pending = async () => (await getRun(stack, workflowId))!.pendingApprovals[0] as unknown as { decisions: Decision[] };

    // eve is a principal linked to Slack but not in the group: refused, nothing changes.
    expect((await click(EVE, 'eve', 'trig-eve')).status).toBe(200);
    const refusal = await waitFor(async () => slack.responses.find((r) => r.id === 'eve'), 'the ephemeral refusal');
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal.body['text'])).toContain('You cannot decide this approval');
    expect(slack.callsOf('views.open').find((c) => c.args['trigger_id'] === 'trig-eve')).toBeUndefined();
    expect((await pending()).decisions).toEqual([]);

    // ada approves in Slack: the form's reason in a modal.
    expect((await click(ADA, 'ada', 'trig-ada')).status).toBe(200);
    const opened = await waitFor(async () => slack.callsOf('views.open').find((c) => c.args['trigger_id'] === 'trig-ada'), 'the form modal');
    const submitted = await sendSlackInteraction(webhookUrl, SIGNING_SECRET, viewSubmissionPayload({ user: ADA, view: opened.args['view'] as Record<string, unknown>, values: { 'form:reason': { value: 'parcel lost' } } }));
    expect(await submitted.json()).toEqual({ response_action: 'clear' });
    await waitFor(async () => (await pending()).decisions.length === 1 || undefined, 'ada’s decision');

    // bob approves through his emailed link in Chromium, filling the reason on the link page.
    const mail = await waitFor(async () => smtp.messages.find((m) => m.to.includes('bob@example.com')), 'bob’s email');
    const approve = /Approve: (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/.exec(mail.raw.replace(/=\r?\n/g, ''))![1]!;
    await page.goto(approve);
    await page.getByRole('heading', { name: title }).waitFor();
    expect(await page.locator('body').innerText()).toContain('Customer refunds');
    await page.getByLabel('Reason').fill('confirmed with the courier');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Approved' }).waitFor();

    const run = await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');
    const out = run.steps.find((s) => s.id === 'review')!.output as { decision: string; decisions: Decision[]; form: Record<string, unknown> };
    expect(out.decision).toBe('approve');
    expect(out.decisions).toEqual([
      expect.objectContaining({ approver: 'ada', channel: 'slack', group: 'group:finance', form: { reason: 'parcel lost' } }),
      expect.objectContaining({ approver: 'bob', channel: 'email', group: 'group:finance', form: { reason: 'confirmed with the courier' } }),
    ]);
    expect(run.steps.find((s) => s.id === 'after')!.output).toEqual(['parcel lost', 'confirmed with the courier']);

    // The Slack message says both decisions, for everyone, without the decide buttons.
    const closed = await waitFor(async () => {
      const text = JSON.stringify(slack.messages.get(`C0REFUNDS:${String(message['ts'])}`));
      return text.includes('Approved by *bob*') ? text : undefined;
    }, 'the closed Slack message');
    expect(closed).toContain('Approved by *ada*');
    expect(closed).not.toContain('switchboard_approval_approve');
    expect(pageErrors).toEqual([]);
  });
});
