/**
 * The raw Temporal version of the benchmark's job: one workflow, one activity that
 * writes a log line. What a hand-written integration would do with the same webhook.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RawActivities } from './activities.ts';

const { logIssue } = proxyActivities<RawActivities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 5 } });

export async function rawFlow(event: { delivery: string; payload: { issue?: { number?: number } } }): Promise<{ logged: true; at: string }> {
  return logIssue({ message: `issue ${event.payload.issue?.number ?? '?'} opened`, delivery: event.delivery });
}
