/**
 * Records the history of approval steps on channels past their first message
 * (APPROVAL_REMIND_NOTIFY_PATCH, APPROVAL_CLOSE_MESSAGES_PATCH):
 *   node bin/run-ts.mjs test/replay/record-approval-channels.ts
 * Step `review` posts to Slack and mails (one `notifyApproval` each), reminds on both
 * channels an hour later (a thread reply, an email to who has not decided), is decided
 * with a form by email (its Slack message updated: APPROVAL_PROGRESS_MESSAGES_PATCH) and
 * in Slack, and its Slack message is closed (`closeApprovalMessages`). Step
 * `timed` times out (onTimeout: approve) and its message is closed as timed out. The
 * activities are stand-ins answering as the real ones do: this history is about the
 * workflow's commands. Writes only test/replay/histories/approval-channels/run.json;
 * re-record only for a deliberately incompatible change, never to make a replay pass.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config.ts';
import { searchAttributeTypes } from '../../src/temporal/admin.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import type { CloseApprovalMessagesInput, NotifyApprovalInput } from '../../activities/approval-notify.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import type { AutomationRunInput } from '../../workflows/contracts.ts';
import type { RunState } from '../../workflows/automation/types.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { historyToFile } from './histories.ts';

const OUT = fileURLToPath(new URL('./histories/approval-channels/', import.meta.url));
const config = loadConfig();
const testServer = await resolveTemporalTool('testServer', { explicitPath: config.temporal.testServerPath, pathEnv: config.searchPath, log: console.error });
if (!testServer) throw new Error('time-skipping test server not found');
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: searchAttributeTypes() });
try {
  const definition = {
    name: 'approvals on channels',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'review',
        type: 'approval',
        approvers: ['ada', 'bob'],
        quorum: 2,
        timeout: '3h',
        onTimeout: 'reject',
        remind: { every: '1h', before: '3h' },
        title: 'Refund {{ input.amount }} EUR?',
        form: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
        notify: [{ slack: { connection: 'slack-approvals', channel: '#refunds' } }, { email: { connection: 'smtp' } }],
      },
      { id: 'timed', type: 'approval', approvers: ['ada'], timeout: '1h', onTimeout: 'approve', notify: [{ slack: { connection: 'slack-approvals', channel: '#refunds' } }] },
      { id: 'after', type: 'transform', output: '{{ steps.review.output.form.reason }}' },
    ],
  };
  const input: AutomationRunInput = {
    automationId: 'aut_channels',
    version: 1,
    input: { amount: 42 },
    trigger: { type: 'manual' },
    pinned: { name: definition.name, definition },
    attributesAtStart: true,
    approvalLinks: { review: {}, timed: {} },
  };
  const taskQueue = 'replay-record-approval-channels';
  let ts = 0;
  const activities = {
    async notifyApproval({ target, request, escalatedTo, thread, decided }: NotifyApprovalInput) {
      if ('email' in target) return { email: { sent: (escalatedTo ?? request.approvers).filter((a) => !decided?.includes(a)).length, withoutEmail: [] } };
      return { slack: thread ?? { channel: 'CREFUNDS', ts: `1765000000.00000${++ts}` } };
    },
    async closeApprovalMessages({ messages }: CloseApprovalMessagesInput) {
      return { updated: messages.length };
    },
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: 'run:aut_channels:recorded',
      args: [input],
      typedSearchAttributes: runSearchAttributes(input),
    });
    const waitFor = async (check: (s: RunState) => boolean) => {
      for (;;) {
        if (check(await handle.query(runStateQuery))) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitFor((s) => s.pendingApprovals.some((p) => p.stepId === 'review'));
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'ada', comment: null, form: { reason: 'lost' }, channel: 'email' }] });
    // Past the first reminder (thread reply, email to bob), bob approves in Slack with the form.
    await env.sleep('70 minutes');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'bob', comment: 'ok', form: { reason: 'parcel lost' }, channel: 'slack' }] });
    await waitFor((s) => s.pendingApprovals.some((p) => p.stepId === 'timed'));
    // `timed` runs out; its message is closed as timed out.
    await env.sleep('2 hours');
    console.error('result', JSON.stringify(await handle.result()));
    await writeFile(join(OUT, 'run.json'), historyToFile(handle.workflowId, await handle.fetchHistory()));
  });
} finally {
  await env.teardown();
}
