/**
 * Records histories of code-first workflow runs for the replay gate:
 *   node bin/run-ts.mjs test/replay/record-code-first.ts
 * The worker runs Switchboard's workflows with the fixture packages (test/fixtures/code-workflows
 * and code-workflows-extra), bundled as SWITCHBOARD_WORKFLOW_PACKAGES bundles them:
 * - `payout` approved with the form's amount, then a Slack message (a local Slack answer);
 * - `payout` rejected (no message);
 * - `fetchStatus` started with the memo routing its connection to a rate-limited queue.
 * (The `workflow` step's parent and child runs are covered end to end in
 * test/e2e/code-first-triggers.test.ts: the time-skipping server does not answer a describe
 * of the child it starts, so they are not recorded here.)
 * Writes only test/replay/histories/code-first/*.json (code-first-replay.test.ts replays
 * them); re-record only for a deliberately incompatible change, never to make a replay pass.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { rateLimitedQueue, runWorkflowId } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import { workflowCodeWithPackages } from '../../src/workflow-packages/bundle.ts';
import { loadWorkflowPackages } from '../../src/workflow-packages/load.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { CODE_RUN_MEMO } from '../../workflows/code/names.ts';
import { openRecorder, until } from './recording.ts';

export const CODE_FIRST_PACKAGES = ['./test/fixtures/code-workflows', './test/fixtures/code-workflows-extra'];

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(req.url?.startsWith('/status') ? { status: 'green' } : { ok: true, channel: 'C1', ts: '1.2' }));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const rec = await openRecorder({ SWITCHBOARD_SSRF_ALLOW: '127.0.0.1', SWITCHBOARD_WORKFLOW_PACKAGES: CODE_FIRST_PACKAGES.join(',') });
try {
  await rec.connection('conn_slack', 'slack', { baseUrl }, { botToken: 'xoxb-recorded-not-a-secret' });
  await rec.connection('conn_status', 'http', { baseUrl });
  const taskQueue = 'replay-record-code';
  const code = await workflowCodeWithPackages(await loadWorkflowPackages({ workflowPackages: CODE_FIRST_PACKAGES }));
  const worker = await rec.worker(taskQueue, code);
  // The rate-limited connection's queue, polled by a worker of the action activity only (as RateLimitedWorkers does).
  const limitedQueue = rateLimitedQueue(taskQueue, 'conn_status');
  const limited = await Worker.create({ connection: rec.env.nativeConnection, taskQueue: limitedQueue, activities: { runConnectorAction: rec.activities.runConnectorAction } });
  const attributes = (name: string) => [
    { key: SA.automationId, value: `workflow:${name}` },
    { key: SA.automationVersion, value: 0 },
    { key: SA.triggerType, value: 'manual' },
    { key: SA.status, value: 'running' },
  ];
  const waitForApproval = (handle: WorkflowHandle, stepId: string) => until(async () => (await handle.query(runStateQuery)).pendingApprovals.some((p) => p.stepId === stepId));

  await limited.runUntil(
    worker.runUntil(async () => {
        const start = (name: string, key: string, input: unknown, memo?: Record<string, unknown>) =>
          rec.env.client.workflow.start(name, { taskQueue, workflowId: runWorkflowId(`workflow:${name}`, key), args: [input], typedSearchAttributes: attributes(name), ...(memo ? { memo } : {}) });

        const approved = await start('payout', 'recorded-approved', { amount: 250, slack: 'conn_slack' });
        await waitForApproval(approved, 'finance');
        await approved.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'finance', decision: 'approve', approver: 'ada', comment: 'ok', form: { amount: 240 } }] });
        console.error('approved', JSON.stringify(await approved.result()));
        await rec.save('code-first/payout-approved.json', approved);

        const rejected = await start('payout', 'recorded-rejected', { amount: 9000, slack: 'conn_slack' });
        await waitForApproval(rejected, 'finance');
        await rejected.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'finance', decision: 'reject', approver: 'ada', comment: 'too much' }] });
        console.error('rejected', JSON.stringify(await rejected.result()));
        await rec.save('code-first/payout-rejected.json', rejected);

        const routed = await start('fetchStatus', 'recorded-routed', { connection: 'conn_status' }, { [CODE_RUN_MEMO]: { actionQueues: { conn_status: limitedQueue } } });
        console.error('routed', JSON.stringify(await routed.result()));
        await rec.save('code-first/fetch-status-rate-limited.json', routed);
      }),
  );
} finally {
  await rec.close();
  server.close();
}
