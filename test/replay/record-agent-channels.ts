/**
 * Records the replay histories of an agent's tool approvals in Slack and of memory summaries:
 *   node bin/run-ts.mjs test/replay/record-agent-channels.ts
 * Against local fakes of OpenAI, Slack and Jira: a tool with `requireApproval`, a group of
 * approvers and `notify` (Slack) parks twice — each call posted to Slack — is rejected, then
 * approved for the group; the thread stores six messages. A second run of the same thread
 * passes `memory.summarize` and replaces the older turns by a summary (one more model call).
 * Writes only test/replay/histories/agent-channels/*.json. Never re-record them to make a
 * failing replay pass.
 */
import { mkdir } from 'node:fs/promises';
import { ApproverGroup } from '../../src/db/entities/index.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { startFakeJira } from '../support/fakes/jira-api.ts';
import { startFakeOpenAi } from '../support/fakes/openai.ts';
import { startSlackWebFake } from '../support/fakes/slack-web.ts';
import { openRecorder } from './recording.ts';

const model = await startFakeOpenAi({ apiKey: 'sk-good' });
const jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token-1' });
const slack = await startSlackWebFake({ token: 'xoxb-record', users: [] });
const rec = await openRecorder({ SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });

try {
  await mkdir(new URL('./histories/agent-channels/', import.meta.url), { recursive: true });
  const { env, automations } = rec;
  await rec.connection('conn_model', 'openai', { baseUrl: model.baseUrl, model: 'fake-1', pricing: { currency: 'EUR', models: { 'fake-1': { input: 1000, output: 2000 } } } }, { apiKey: 'sk-good' });
  await rec.connection('conn_jira', 'jira', { baseUrl: jira.url, email: 'bot@example.com' }, { apiToken: 'jira-token-1' });
  await rec.connection('conn_slack', 'slack', { baseUrl: slack.apiUrl }, { botToken: 'xoxb-record', signingSecret: 'record-secret' });
  const em = rec.orm.em.fork();
  em.create(ApproverGroup, { name: 'ops', members: ['ada', 'bob'], createdAt: new Date(), updatedAt: new Date() });
  await em.flush();
  const agent = await automations.create({
    name: 'ops agent',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'triage',
        type: 'agent',
        connection: 'conn_model',
        prompt: '{{ input.text }}',
        tools: [{ connection: 'conn_jira', action: 'create_issue', requireApproval: true, approvers: ['group:ops'], notify: [{ slack: { connection: 'conn_slack', channel: '#ops' } }] }],
        memory: { thread: 'ops-{{ input.thread }}', summarize: { afterMessages: 4, keepMessages: 2 } },
      },
    ],
  });
  model.script.push(
    { content: 'A ticket lets ops fix it.', toolCalls: [{ id: 'c1', name: 'jira_create_issue', arguments: { projectKey: 'WEB', summary: 'Disk full' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
    { content: 'OPS then.', toolCalls: [{ id: 'c2', name: 'jira_create_issue', arguments: { projectKey: 'OPS', summary: 'Disk full on web-1' } }], usage: { prompt_tokens: 150, completion_tokens: 10 } },
    { content: 'Filed OPS-1.', usage: { prompt_tokens: 200, completion_tokens: 5 } },
    { content: 'You asked me to file the disk alert; it is OPS-1.', usage: { prompt_tokens: 220, completion_tokens: 12 } },
    { content: 'The disk of web-1 was full; after a rejection for WEB, OPS-1 was filed.', usage: { prompt_tokens: 90, completion_tokens: 20 } },
  );
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const start = (suffix: string, text: string) =>
      env.client.workflow.start(automationWorkflow, {
        taskQueue,
        workflowId: `run:${agent.id}:${suffix}`,
        args: [{ automationId: agent.id, version: 1, input: { text, thread: 't1' }, trigger: { type: 'manual' } }],
      });
    const first = await start('notify', 'Alert: disk full on web-1');
    const parkedOn = async (stepId: string) => {
      for (;;) {
        const state = await first.query(runStateQuery);
        if (state.pendingApprovals.some((p) => p.stepId === stepId) && slack.callsOf('chat.postMessage').some((c) => JSON.stringify(c.args).includes(stepId))) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await parkedOn('triage.round1.tool1');
    await first.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'triage.round1.tool1', decision: 'reject', approver: 'bob', group: 'group:ops', comment: 'wrong project', channel: 'slack' }] });
    await parkedOn('triage.round2.tool1');
    await first.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'triage.round2.tool1', decision: 'approve', approver: 'ada', group: 'group:ops', channel: 'slack' }] });
    console.error('result', JSON.stringify(await first.result()));
    const second = await start('summary', 'What did I ask you?');
    console.error('result', JSON.stringify(await second.result()));
    console.error('slack messages', slack.callsOf('chat.postMessage').length, 'jira creates', jira.created.length, 'model calls', model.requests.length);
    await rec.save('agent-channels/agent-tool-notify.json', first);
    await rec.save('agent-channels/agent-memory-summary.json', second);
  });
} finally {
  await rec.close();
  await model.close();
  await jira.close();
  await slack.close();
}
