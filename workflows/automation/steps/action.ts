import { proxyActivities } from '@temporalio/workflow';
import type { Activities as InterpreterActivities } from '../../../activities/index.ts';
import type { StepExecutor, StepRuntime } from '../runtime.ts';
import { NOT_PLAIN } from '../template.ts';
import type { ActionCall, ActionStep, Step } from '../types.ts';

/**
 * Runs a connector action as an activity. Proxies are built per call because the
 * options (timeout, retry, summary, activity id) come from the step. With fast paths on
 * and only plain-path templates, it schedules the activity without an await before it
 * (each promise in the workflow sandbox records a stack trace: a loop's items pay it per item).
 */
export function runAction(call: ActionCall, step: Step, rt: StepRuntime, suffix?: string): Promise<unknown> {
  if (rt.fastPaths()) {
    const context = rt.context();
    const connectionId = rt.renderNow(call.connection, context);
    const input = connectionId === NOT_PLAIN ? NOT_PLAIN : rt.renderNow(call.input ?? {}, context);
    if (input !== NOT_PLAIN) return schedule(call, step, rt, String(connectionId), input, suffix);
  }
  return renderThenSchedule(call, step, rt, suffix);
}

async function renderThenSchedule(call: ActionCall, step: Step, rt: StepRuntime, suffix?: string): Promise<unknown> {
  const connectionId = String(await rt.render(call.connection));
  const input = await rt.render(call.input ?? {});
  return schedule(call, step, rt, connectionId, input, suffix);
}

function schedule(call: ActionCall, step: Step, rt: StepRuntime, connectionId: string, input: unknown, suffix?: string): Promise<unknown> {
  const taskQueue = rt.actionQueue(connectionId);
  const { runConnectorAction } = proxyActivities<InterpreterActivities>({ ...rt.activityOptions(step, `${step.id}: ${call.action}`, suffix), ...(taskQueue ? { taskQueue } : {}) });
  return runConnectorAction({ connectionId, action: call.action, input });
}

export const actionStep: StepExecutor<ActionStep> = {
  run: (step, rt) => runAction(step, step, rt),
};
