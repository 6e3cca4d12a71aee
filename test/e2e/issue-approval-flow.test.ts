/**
 * Acceptance: GitHub issue opened (signed webhook) → condition on a label → Slack
 * message with signed approval links → approval → GitHub comment, against local
 * fakes of the GitHub and Slack APIs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'gh-webhook-secret';

export function issueFlow(github: string, slack: string) {
  return {
    name: 'triage bugs',
    trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
    steps: [
      {
        id: 'isBug',
        type: 'condition',
        if: "'bug' in trigger.payload.issue.labels.name",
        then: [
          {
            id: 'notify',
            type: 'action',
            connection: slack,
            action: 'send_message',
            input: {
              channel: '#triage',
              text: 'Bug #{{ trigger.payload.issue.number }}: {{ trigger.payload.issue.title }}. Approve: {{ run.approvalLinks.review.lead.approve }}',
            },
          },
          { id: 'review', type: 'approval', approvers: ['lead'], timeout: '3d', onTimeout: 'reject' },
          {
            id: 'comment',
            type: 'action',
            when: "steps.review.output.decision = 'approve'",
            connection: github,
            action: 'add_comment',
            input: {
              owner: '{{ trigger.payload.repository.owner.login }}',
              repo: '{{ trigger.payload.repository.name }}',
              issueNumber: '{{ trigger.payload.issue.number }}',
              body: 'Triaged as a bug, approved by {{ steps.review.output.approver }}.',
            },
          },
        ],
      },
    ],
  };
}

function issueEvent(labels: string[], number: number) {
  return JSON.stringify({
    action: 'opened',
    issue: { number, title: 'It crashes', labels: labels.map((name) => ({ name })) },
    repository: { name: 'switchboard', owner: { login: 'acme' } },
  });
}

describe('GitHub issue → Slack → approval → GitHub comment (e2e)', () => {
  let stack: TestStack;
  let githubApi: FakeServer;
  let slackApi: FakeServer;
  let github: string;
  let automationId: string;

  beforeAll(async () => {
    githubApi = await fakeServer((req, res) => sendJson(res, 201, { id: 7, html_url: `https://github.test${req.url}` }));
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C1', ts: '1.2' }));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    github = await createTestConnection(stack.services, 'github', { token: 'ghp_test', webhookSecret: SECRET }, { baseUrl: githubApi.url });
    const slack = await createTestConnection(stack.services, 'slack', { botToken: 'xoxb-test' }, { baseUrl: slackApi.url });
    automationId = (await createAutomation(stack, issueFlow(github, slack))).id;
  });
  afterAll(async () => {
    await stack?.close();
    await githubApi?.close();
    await slackApi?.close();
  });

  async function post(body: string) {
    const delivery = randomUUID();
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
    expect(res.status).toBe(202);
    return runWorkflowId(automationId, eventWorkflowId('github', github, delivery));
  }

  it('approved through the Slack link, it posts the comment once', async () => {
    const runId = await post(issueEvent(['bug', 'p1'], 12));
    const waiting = await waitForRun(stack, runId, (r) => r.pendingApprovals.length === 1, 'the run to wait for approval');
    expect(waiting.steps.find((s) => s.id === 'notify')).toMatchObject({ status: 'completed', output: { channel: 'C1', ts: '1.2' } });
    expect(slackApi.requests).toHaveLength(1);
    const sent = JSON.parse(slackApi.requests[0]!.body) as { channel: string; text: string };
    expect(sent.text).toMatch(/^Bug #12: It crashes\. Approve: http/);
    const link = /Approve: (\S+)$/.exec(sent.text)![1]!;
    expect(githubApi.requests).toHaveLength(0);

    const decided = await fetch(link, { method: 'POST' });
    expect(decided.status).toBe(200);
    expect(await decided.json()).toMatchObject({ approver: 'lead', decision: 'approve' });

    const done = await waitForRun(stack, runId, (r) => r.status === 'completed', 'the run to complete');
    expect(done.steps.find((s) => s.id === 'comment')).toMatchObject({ status: 'completed', output: { id: 7 } });
    expect(githubApi.requests).toHaveLength(1);
    expect(githubApi.requests[0]).toMatchObject({ method: 'POST', url: '/repos/acme/switchboard/issues/12/comments' });
    expect(JSON.parse(githubApi.requests[0]!.body)).toEqual({ body: 'Triaged as a bug, approved by lead.' });
    expect((await fetch(link, { method: 'POST' })).status).toBe(409);
    // Temporal UI: every step activity carries a summary naming the step and action.
    const history = await stack.services.temporal.client.workflow.getHandle(runId).fetchHistory();
    const summaries = await Promise.all(
      (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runConnectorAction')
        .map((e) => stack.services.temporal.client.options.loadedDataConverter.payloadConverter.fromPayload(e.userMetadata!.summary!)),
    );
    expect(summaries).toEqual(['notify: send_message', 'comment: add_comment']);
  });

  it('an issue without the label sends nothing', async () => {
    const before = slackApi.requests.length;
    const runId = await post(issueEvent(['question'], 13));
    const done = await waitForRun(stack, runId, (r) => r.status === 'completed', 'the run to complete');
    expect(done.result!.outputs['isBug']).toEqual({ branch: 'else' });
    expect(slackApi.requests.length).toBe(before);
  });
});
