import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning.ts';
import type { Activities } from '../activities/index.ts';
import type { SelfCheckResult } from '../activities/self-check.ts';
import { SELF_CHECK_ACTIVITY_OPTIONS } from './activity-options.ts';

const { selfCheckDatabase } = proxyActivities<Activities>(SELF_CHECK_ACTIVITY_OPTIONS);

export interface SelfCheckOutput {
  ok: true;
  workflowId: string;
  activity: SelfCheckResult;
}

/**
 * Proves the path client → server → worker → activity → database end to end.
 * Versioned workers: AUTO_UPGRADE (one activity; seconds long; replays on any release).
 */
export async function selfCheckWorkflow(): Promise<SelfCheckOutput> {
  const activity = await selfCheckDatabase();
  return { ok: true, workflowId: workflowInfo().workflowId, activity };
}
declareVersioningBehavior('AUTO_UPGRADE', selfCheckWorkflow);
