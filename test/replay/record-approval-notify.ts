/**
 * Records the history of an approval step with `notify` (APPROVAL_NOTIFY_PATCH):
 *   node bin/run-ts.mjs test/replay/record-approval-notify.ts
 * The step parks, sends a Slack and an email notification (one `notifyApproval`
 * activity each; the email one fails and is recorded on the step while the wait goes on),
 * then a Slack decision (channel `slack`) closes it. A second step escalates after a day and
 * mails the approver it added before that one decides (channel `email`). The activity is a stand-in
 * answering as the real one does: this history is about the workflow's commands, which
 * do not depend on what the activity does. Writes only
 * test/replay/histories/automation-approval-notify.json; re-record only for a
 * deliberately incompatible change, never to make a replay pass.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config.ts';
import { searchAttributeTypes } from '../../src/temporal/admin.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import type { NotifyApprovalInput } from '../../activities/approval-notify.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import type { AutomationRunInput } from '../../workflows/contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { historyToFile } from './histories.ts';

const OUT = fileURLToPath(new URL('./histories/', import.meta.url));
const config = loadConfig();
const testServer = await resolveTemporalTool('testServer', { explicitPath: config.temporal.testServerPath, pathEnv: config.searchPath, log: console.error });
if (!testServer) throw new Error('time-skipping test server not found');
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: searchAttributeTypes() });
try {
  const definition = {
    name: 'notified approval',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'review',
        type: 'approval',
        approvers: ['ada'],
        timeout: '2d',
        onTimeout: 'reject',
        title: 'Refund {{ input.amount }} EUR?',
        notify: [{ slack: { connection: 'slack-approvals', channel: '#refunds' } }, { email: { connection: 'smtp' } }],
      },
      {
        id: 'escalating',
        type: 'approval',
        approvers: ['bob'],
        timeout: '2d',
        onTimeout: 'reject',
        escalate: { after: '1d', approvers: ['carl'] },
        notify: [{ email: { connection: 'smtp' } }],
      },
      { id: 'after', type: 'transform', output: '{{ steps.review.output.channel }}' },
    ],
  };
  const input: AutomationRunInput = {
    automationId: 'aut_notify',
    version: 1,
    input: { amount: 42 },
    trigger: { type: 'manual' },
    pinned: { name: definition.name, definition },
    attributesAtStart: true,
    approvalLinks: { review: {} },
  };
  const taskQueue = 'replay-record-approval-notify';
  const activities = {
    async notifyApproval({ target, request, escalatedTo }: NotifyApprovalInput) {
      if ('email' in target && request.stepId === 'review') throw ApplicationFailure.nonRetryable('no approver of step review has an email', 'NOT_FOUND');
      if ('email' in target) return { email: { sent: (escalatedTo ?? request.approvers).length, withoutEmail: [] } };
      return { slack: { channel: 'CREFUNDS', ts: '1765000000.000001' } };
    },
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: 'run:aut_notify:recorded',
      args: [input],
      typedSearchAttributes: runSearchAttributes(input),
    });
    for (;;) {
      const state = await handle.query(runStateQuery);
      if (state.pendingApprovals.some((p) => p.stepId === 'review') && state.steps.some((s) => s.id === 'review' && s.error)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'ada', comment: 'ok', channel: 'slack' }] });
    for (;;) {
      const state = await handle.query(runStateQuery);
      if (state.pendingApprovals.some((p) => p.stepId === 'escalating')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Past the escalation: the added approver is mailed, then decides through the emailed link.
    await env.sleep('25 hours');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'escalating', decision: 'approve', approver: 'carl', comment: null, channel: 'email' }] });
    console.error('result', JSON.stringify(await handle.result()));
    await writeFile(join(OUT, 'automation-approval-notify.json'), historyToFile(handle.workflowId, await handle.fetchHistory()));
  });
} finally {
  await env.teardown();
}
