/**
 * Records histories of the automation interpreter for the replay gate:
 *   node bin/run-ts.mjs test/replay/record-history.ts
 * Runs a definition that uses every built-in step kind (transform, condition,
 * parallel, wait, approval decided through the update, connector action, child
 * automation), plus an approval that reminds and escalates, on the time-skipping
 * server and writes the histories to
 * test/replay/histories/. Re-record only when a workflow change is meant to be
 * incompatible (and version it), never to make a failing replay pass.
 */
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { openRecorder, until } from './recording.ts';

const rec = await openRecorder();
try {
  await rec.connection('conn_log', 'logging');
  const { env, automations } = rec;
  const child = await automations.create({ name: 'child', trigger: { type: 'manual' }, steps: [{ id: 'double', type: 'transform', output: '{{ input.n * 2 }}' }] });
  const parent = await automations.create({
    name: 'every step kind',
    trigger: { type: 'manual' },
    steps: [
      { id: 'start', type: 'transform', output: { n: '{{ input.n }}' } },
      { id: 'big', type: 'condition', if: 'input.n > 3', then: [{ id: 'yes', type: 'transform', output: 'big' }], else: [{ id: 'no', type: 'transform', output: 'small' }] },
      { id: 'fan', type: 'parallel', branches: [[{ id: 'log', type: 'action', connection: 'conn_log', action: 'log', input: { message: 'n={{ input.n }}' } }], [{ id: 'pause', type: 'wait', duration: '1h' }]] },
      { id: 'review', type: 'approval', approvers: ['ann'], timeout: '1d', onTimeout: 'reject' },
      { id: 'sub', type: 'automation', automation: child.id, input: { n: '{{ input.n }}' }, when: "steps.review.output.decision = 'approve'" },
      { id: 'skipped', type: 'transform', when: 'false', output: 1 },
      { id: 'bad', type: 'transform', output: '{{ input.missing }}', onError: 'continue' },
    ],
  });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${parent.id}:recorded`,
      args: [{ automationId: parent.id, version: 1, input: { n: 5 }, trigger: { type: 'manual' } }],
    });
    // Time skips only while someone awaits a result: skip past the 1h wait explicitly.
    await env.sleep('2 hours');
    await until(async () => (await handle.query(runStateQuery)).pendingApprovals.length);
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'ann', comment: 'recorded' }] });
    const result = await handle.result();
    console.error('result', JSON.stringify(result));
    await rec.save('automation-every-step.json', handle);
    await rec.save('automation-child.json', env.client.workflow.getHandle(`run:${child.id}:${parent.id}:recorded.sub`));

    // An approval that reminds, then escalates (new approver + notice), decided by the escalation approver.
    const escalating = await automations.create({
      name: 'escalating approval',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['ann'],
          timeout: '2d',
          remind: { before: '36h', action: { connection: 'conn_log', action: 'log', input: { message: 'reminder' } } },
          escalate: { after: '1d', approvers: ['boss'], action: { connection: 'conn_log', action: 'log', input: { message: 'escalated' } } },
          onTimeout: 'reject',
        },
        { id: 'after', type: 'transform', output: '{{ steps.review.output.approver }}' },
      ],
    });
    const esc = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: `run:${escalating.id}:recorded`,
      args: [{ automationId: escalating.id, version: 1, input: {}, trigger: { type: 'manual' } }],
    });
    await env.sleep('25 hours');
    await until(async () => (await esc.query(runStateQuery)).pendingApprovals[0]?.escalatedAt);
    await esc.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'boss', comment: 'recorded' }] });
    console.error('escalation result', JSON.stringify(await esc.result()));
    await rec.save('automation-escalation.json', esc);
  });
} finally {
  await rec.close();
}
