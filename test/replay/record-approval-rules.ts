/**
 * Records the replay history of approval forms, selfApproval and the decision record:
 *   node bin/run-ts.mjs test/replay/record-approval-rules.ts
 * A run started by `ann` asks bob, then (selfApproval: false, quorum 2, a form) ann, bob,
 * cid and dan; cid and dan approve with form values and channels. Writes only
 * test/replay/histories/automation-approval-rules.json. Never re-record it to make a
 * failing replay pass.
 */
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder } from './recording.ts';

const rec = await openRecorder();

try {
  const { env, automations } = rec;
  const auto = await automations.create({
    name: 'four eyes with a form',
    trigger: { type: 'manual' },
    steps: [
      { id: 'first', type: 'approval', approvers: ['bob'], timeout: '1d', onTimeout: 'fail' },
      {
        id: 'second',
        type: 'approval',
        approvers: ['ann', 'bob', 'cid', 'dan'],
        quorum: 2,
        selfApproval: false,
        timeout: '1d',
        onTimeout: 'fail',
        title: 'Refund {{ input.amount }}?',
        form: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] },
      },
      { id: 'report', type: 'transform', output: { reason: '{{ steps.second.output.form.reason }}' } },
    ],
  });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${auto.id}:recorded`,
      args: [{ automationId: auto.id, version: 1, input: { amount: 40 }, trigger: { type: 'manual', principal: 'ann' } }],
    });
    const parkedOn = async (stepId: string) => {
      for (;;) {
        const state = await handle.query(runStateQuery);
        if (state.pendingApprovals.some((p) => p.stepId === stepId)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await parkedOn('first');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'first', decision: 'approve', approver: 'bob', comment: null, channel: 'api' }] });
    await parkedOn('second');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'second', decision: 'approve', approver: 'cid', comment: 'ok', channel: 'console', form: { reason: 'duplicate' } }] });
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'second', decision: 'approve', approver: 'dan', comment: null, channel: 'link', form: { reason: 'refund it' } }] });
    console.error('result', JSON.stringify(await handle.result()));
    await rec.save('automation-approval-rules.json', handle);
  });
} finally {
  await rec.close();
}
