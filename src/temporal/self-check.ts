/**
 * The self-check: one workflow through a worker and an activity that reads the database
 * (workflows/self-check.ts). Run by `switchboard dev --check` and `POST /api/v1/system/self-check`.
 */
import type { SelfCheckOutput } from '../../workflows/self-check.ts';
import { selfCheckWorkflow } from '../../workflows/index.ts';
import { nanoid } from '../security/random.ts';
import type { TemporalHandle } from './client.ts';
import { WORKFLOW_ID_PREFIX } from './constants.ts';

/**
 * Runs the self-check workflow on the engine's task queue and returns its result; the run
 * is given at most `timeout` (default 1 minute) and fails past it.
 */
export function runSelfCheck(temporal: Pick<TemporalHandle, 'client' | 'taskQueue'>, timeout = '1 minute'): Promise<SelfCheckOutput> {
  return temporal.client.workflow.execute(selfCheckWorkflow, {
    taskQueue: temporal.taskQueue,
    workflowId: `${WORKFLOW_ID_PREFIX.selfCheck}:${nanoid()}`,
    staticSummary: 'System self-check',
    workflowExecutionTimeout: timeout,
  });
}
