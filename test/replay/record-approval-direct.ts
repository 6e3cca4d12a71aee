/**
 * Records the history of an approval run decided in one round trip (the `decideApprovalDirect`
 * update the API sends a decision without form values as), then a second approval of the same
 * run decided through `decideApproval` with a group, as the API's prepared path does:
 *   node bin/run-ts.mjs test/replay/record-approval-direct.ts
 * Writes only test/replay/histories/automation-approval-direct.json; re-record only for a
 * deliberately incompatible change, never to make a replay pass.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { decideApprovalDirectUpdate, decideApprovalUpdate, PREPARATION_NEEDED, runStateQuery } from '../../workflows/automation/definitions.ts';
import { ApproverGroup } from '../../src/db/entities/index.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder, until } from './recording.ts';

const rec = await openRecorder();
try {
  const { env, automations } = rec;
  const em = rec.orm.em.fork();
  em.create(ApproverGroup, { name: 'ops', members: ['bob'], createdAt: new Date(), updatedAt: new Date() });
  await em.flush();
  const saved = await automations.create({
    name: 'direct decisions',
    trigger: { type: 'manual' },
    steps: [
      { id: 'lead', type: 'approval', approvers: ['ann'], timeout: '1d', onTimeout: 'fail' },
      { id: 'team', type: 'approval', approvers: ['ann', 'group:ops'], timeout: '1d', onTimeout: 'fail' },
      { id: 'done', type: 'transform', output: { by: '{{ steps.team.output.approver }}' } },
    ],
  });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${saved.id}:direct`,
      args: [{ automationId: saved.id, version: 1, input: {}, trigger: { type: 'manual' } }],
    });
    const waitingFor = (step: string) => until(async () => (await handle.query(runStateQuery)).pendingApprovals.some((p) => p.stepId === step));
    await waitingFor('lead');
    console.error('direct', JSON.stringify(await handle.executeUpdate(decideApprovalDirectUpdate, { args: [{ stepId: 'lead', decision: 'approve', approver: 'ann', comment: 'ok', channel: 'api' }] })));
    await waitingFor('team');
    // A group member is sent back unrecorded; the prepared path names the group.
    const refused = await handle.executeUpdate(decideApprovalDirectUpdate, { args: [{ stepId: 'team', decision: 'approve', approver: 'bob', comment: null, channel: 'api' }] }).catch((e: unknown) => e);
    if (!(refused instanceof WorkflowUpdateFailedError && refused.cause instanceof ApplicationFailure && refused.cause.type === PREPARATION_NEEDED)) throw new Error(`expected ${PREPARATION_NEEDED}, got ${String(refused)}`);
    console.error('prepared', JSON.stringify(await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'team', decision: 'approve', approver: 'bob', group: 'group:ops', comment: null, channel: 'api' }] })));
    console.error('result', JSON.stringify(await handle.result()));
    await rec.save('automation-approval-direct.json', handle);
  });
} finally {
  await rec.close();
}
