/**
 * Records the replay history of the `agent` step:
 *   node bin/run-ts.mjs test/replay/record-agent.ts
 * Against a local OpenAI fake and Jira fake: the model calls an unknown tool (the error
 * goes back to it), then asks for jira.create_issue (approval required), which is
 * rejected; its second request is approved and runs; then it answers. Thread memory is
 * read and stored, and the run's cost is priced from the connection's table. Writes only
 * test/replay/histories/automation-agent.json. Never re-record it to make a failing
 * replay pass.
 */
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { startFakeJira } from '../support/fakes/jira-api.ts';
import { startFakeOpenAi } from '../support/fakes/openai.ts';
import { openRecorder } from './recording.ts';

const model = await startFakeOpenAi({ apiKey: 'sk-good' });
const jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token-1' });
const rec = await openRecorder({ SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });

try {
  const { env, automations } = rec;
  await rec.connection('conn_model', 'openai', { baseUrl: model.baseUrl, model: 'fake-1', pricing: { currency: 'EUR', models: { 'fake-1': { input: 1000, output: 2000 } } } }, { apiKey: 'sk-good' });
  await rec.connection('conn_jira', 'jira', { baseUrl: jira.url, email: 'bot@example.com' }, { apiToken: 'jira-token-1' });
  const agent = await automations.create({
    name: 'triage agent',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'triage',
        type: 'agent',
        connection: 'conn_model',
        system: 'You triage alerts.',
        prompt: 'Alert: {{ input.alert }}',
        tools: [{ connection: 'conn_jira', action: 'create_issue', requireApproval: true }],
        memory: { thread: 'alerts-{{ input.host }}' },
        budget: { maxCost: 5 },
      },
      { id: 'report', type: 'transform', output: '{{ steps.triage.output.text }}' },
    ],
  });
  model.script.push(
    { toolCalls: [{ id: 'c0', name: 'jira_delete_issue', arguments: {} }], usage: { prompt_tokens: 80, completion_tokens: 8 } },
    { content: 'A ticket lets ops fix it.', toolCalls: [{ id: 'c1', name: 'jira_create_issue', arguments: { projectKey: 'WEB', summary: 'Disk full' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
    { content: 'OPS then.', toolCalls: [{ id: 'c2', name: 'jira_create_issue', arguments: { projectKey: 'OPS', summary: 'Disk full on web-1' } }], usage: { prompt_tokens: 150, completion_tokens: 10 } },
    { content: 'Filed OPS-1.', usage: { prompt_tokens: 200, completion_tokens: 5 } },
  );
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${agent.id}:recorded`,
      args: [{ automationId: agent.id, version: 1, input: { alert: 'disk full', host: 'web-1' }, trigger: { type: 'manual' } }],
    });
    const parkedOn = async (stepId: string) => {
      for (;;) {
        const state = await handle.query(runStateQuery);
        if (state.pendingApprovals.some((p) => p.stepId === stepId)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await parkedOn('triage.round2.tool1');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'triage.round2.tool1', decision: 'reject', approver: 'lead', comment: 'wrong project' }] });
    await parkedOn('triage.round3.tool1');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'triage.round3.tool1', decision: 'approve', approver: 'lead' }] });
    console.error('result', JSON.stringify(await handle.result()));
    console.error('jira creates', jira.created.length);
    await rec.save('automation-agent.json', handle);
  });
} finally {
  await rec.close();
  await model.close();
  await jira.close();
}
