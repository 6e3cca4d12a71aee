import { proxyActivities } from '@temporalio/workflow';
import type { Activities as InterpreterActivities } from '../../../activities/index.ts';
import type { StepExecutor, StepRuntime } from '../runtime.ts';
import type { ActionCall, ActionStep, Step } from '../types.ts';

/**
 * Runs a connector action as an activity. Proxies are built per call because the
 * options (timeout, retry, summary, activity id) come from the step.
 */
export async function runAction(call: ActionCall, step: Step, rt: StepRuntime, suffix?: string): Promise<unknown> {
  const connectionId = String(await rt.render(call.connection));
  const input = await rt.render(call.input ?? {});
  const taskQueue = rt.actionQueue(connectionId);
  const { runConnectorAction } = proxyActivities<InterpreterActivities>({ ...rt.activityOptions(step, `${step.id}: ${call.action}`, suffix), ...(taskQueue ? { taskQueue } : {}) });
  return runConnectorAction({ connectionId, action: call.action, input });
}

export const actionStep: StepExecutor<ActionStep> = {
  run: (step, rt) => runAction(step, step, rt),
};
