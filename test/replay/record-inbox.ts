/**
 * Records the history of an approval run that keeps the inbox index (APPROVAL_INDEX_PATCH):
 *   node bin/run-ts.mjs test/replay/record-inbox.ts
 * An anyone-may-decide approval with quorum 2 (the first decision takes its approver out of
 * the index, the second closes the step), then a named approval that escalates before it is
 * decided. Writes only test/replay/histories/automation-inbox.json; like record-history.ts,
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
    name: 'inbox index',
    trigger: { type: 'manual' },
    steps: [
      { id: 'anyone', type: 'approval', quorum: 2, message: 'two of you, please', timeout: '2d', onTimeout: 'reject' },
      { id: 'named', type: 'approval', approvers: ['ann'], timeout: '2d', escalate: { after: '1d', approvers: ['boss'] }, onTimeout: 'reject' },
      { id: 'after', type: 'transform', output: '{{ steps.named.output.approver }}' },
    ],
  };
  const input: AutomationRunInput = {
    automationId: 'aut_inbox',
    version: 1,
    input: {},
    trigger: { type: 'manual' },
    pinned: { name: definition.name, definition },
    attributesAtStart: true,
    // As the runs API signs them (the links are not what this history is about).
    approvalLinks: { anyone: {}, named: {} },
  };
  const taskQueue = 'replay-record-inbox';
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities: {} });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(automationWorkflow, {
      taskQueue,
      workflowId: 'run:aut_inbox:recorded',
      args: [input],
      typedSearchAttributes: runSearchAttributes(input),
    });
    const waitFor = async (stepId: string) => {
      for (;;) {
        const state = await handle.query(runStateQuery);
        if (state.pendingApprovals.some((p) => p.stepId === stepId)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitFor('anyone');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'anyone', decision: 'approve', approver: 'ann', comment: 'first' }] });
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'anyone', decision: 'approve', approver: 'bob', comment: 'second' }] });
    await waitFor('named');
    await env.sleep('25 hours');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'named', decision: 'approve', approver: 'boss', comment: 'escalated' }] });
    console.error('result', JSON.stringify(await handle.result()));
    await writeFile(join(OUT, 'automation-inbox.json'), historyToFile(handle.workflowId, await handle.fetchHistory()));
  });
} finally {
  await env.teardown();
}
