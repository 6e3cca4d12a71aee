/**
 * `wait_for_event`: registers the wait in the index (event pattern, key) through a local
 * activity, then parks on a timer until the `eventDelivered` signal hands it a matching
 * event (../event-waits.ts). No worker slot is held and nothing polls. `if` is checked
 * here, over the event and the run context; an event it refuses leaves the run waiting.
 */
import { ApplicationFailure, CancellationScope, condition, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../../activities/index.ts';
import { EVENT_WAIT_ACTIVITY_OPTIONS } from '../../activity-options.ts';
import { EVENT_WAIT_CONSUMED_PATCH } from '../../../src/temporal/constants.ts';
import { durationMs } from '../duration.ts';
import { eventWaitId, waitKeyOf } from '../event-waits.ts';
import type { StepRuntime, StepExecutor } from '../runtime.ts';
import { evaluateCondition, type TemplateContext } from '../template.ts';
import type { PendingEventWait, WaitedEvent, WaitForEventStep } from '../types.ts';

const { registerEventWait, clearEventWait } = proxyLocalActivities<Activities>(EVENT_WAIT_ACTIVITY_OPTIONS);

async function renderedKey(step: WaitForEventStep, rt: StepRuntime): Promise<string> {
  const key = waitKeyOf(await rt.render(step.key));
  if (key === undefined) throw ApplicationFailure.nonRetryable(`key of step ${step.id} rendered to nothing`, 'INVALID_INPUT');
  return key;
}

async function passes(step: WaitForEventStep, rt: StepRuntime, event: WaitedEvent): Promise<boolean> {
  if (step.if === undefined) return true;
  return evaluateCondition(step.if, { ...rt.context(), event } as TemplateContext);
}

export const waitForEventStep: StepExecutor<WaitForEventStep> = {
  async run(step, rt) {
    const deadlineMs = Date.now() + durationMs(step.timeout);
    const deadline = new Date(deadlineMs).toISOString();
    const key = await renderedKey(step, rt);
    const connection = step.connection === undefined ? undefined : String(await rt.render(step.connection));
    const waitId = eventWaitId(rt.workflowId, step.id, rt.visitOf(step));
    const pending: PendingEventWait = { stepId: step.id, event: step.event, key, deadline, ...(connection === undefined ? {} : { connection }) };
    rt.eventWaits.openWait(waitId, pending);
    const state = rt.stateOf(step);
    state.status = 'waiting';
    let received: WaitedEvent | undefined;
    /** The accepted delivery's signaller removes the registration (it said so: `consumed`). */
    let removedBySignaller = false;
    try {
      // Durable before the run parks: an event from now on finds the registration.
      // Without `if`, the first delivery resumes the run: its signaller may remove the row.
      await registerEventWait({ id: waitId, workflowId: rt.workflowId, eventPattern: step.event, keyExpr: step.eventKey, key, connectionId: connection ?? null, expiresAt: deadline, consumable: step.if === undefined });
      rt.setStatus('waiting_event', `waiting for ${step.event} with key ${key} until ${deadline}`);
      while (!received && (await condition(() => rt.eventWaits.hasDelivery(waitId), Math.max(1, deadlineMs - Date.now())))) {
        const delivery = rt.eventWaits.take(waitId)!;
        if (await passes(step, rt, delivery.event)) {
          received = delivery.event;
          removedBySignaller = delivery.consumed === true && step.if === undefined;
        }
      }
    } finally {
      rt.eventWaits.close(waitId);
      state.status = 'running';
      rt.setStatus('running');
      // Also on cancellation: a finished wait leaves no registration behind (a signaller that
      // removes it spares the run this local activity; runs before the patch replay it).
      if (!(removedBySignaller && patched(EVENT_WAIT_CONSUMED_PATCH))) await CancellationScope.nonCancellable(() => clearEventWait({ id: waitId }));
    }
    if (received) return received;
    if (step.onTimeout === 'continue') return { timedOut: true };
    throw ApplicationFailure.nonRetryable(`no ${step.event} event with key ${key} arrived for step ${step.id} before ${deadline}`, 'TIMEOUT');
  },
};
