/**
 * Schedule triggers are Temporal Schedules, one per automation
 * (`automation:<id>`), created, updated and deleted with it. Each scheduled run
 * starts the interpreter pinned to the version current when the schedule was saved,
 * with the trigger's `input` (or `{}`).
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import { runWorkflowId, WORKFLOW_TYPES } from '../temporal/constants.ts';
import type { TemporalHandle } from '../temporal/client.ts';
import type { AutomationRunInput } from '../../workflows/contracts.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';

const PAUSED_NOTE = 'automation disabled (enabled: false)';

export function scheduleIdOf(automationId: string): string {
  return `automation:${automationId}`;
}

function specAndAction(temporal: TemporalHandle, automationId: string, version: number, def: AutomationDefinition & { trigger: { type: 'schedule' } }) {
  const spec: ScheduleSpec = { cronExpressions: [def.trigger.cron], ...(def.trigger.timezone ? { timezone: def.trigger.timezone } : {}) };
  const args: AutomationRunInput = { automationId, version, input: def.trigger.input ?? {}, trigger: { type: 'schedule' } };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPES.automation,
    taskQueue: temporal.taskQueue,
    args: [args],
    workflowId: runWorkflowId(automationId, 'schedule'),
    staticSummary: `${def.name} v${version} (schedule)`,
  };
  return { spec, action };
}

/** Creates, updates or removes the automation's schedule to match its definition. */
export async function syncSchedule(temporal: TemporalHandle, automationId: string, version: number, def: AutomationDefinition | undefined): Promise<void> {
  const scheduleId = scheduleIdOf(automationId);
  const handle = temporal.client.schedule.getHandle(scheduleId);
  if (!def || def.trigger.type !== 'schedule') {
    await handle.delete().catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    return;
  }
  // A disabled automation keeps its schedule, paused: enabling it resumes the same schedule.
  const paused = def.enabled === false;
  const { spec, action } = specAndAction(temporal, automationId, version, def as AutomationDefinition & { trigger: { type: 'schedule' } });
  try {
    await temporal.client.schedule.create({ scheduleId, spec, action, memo: { automationId, version }, state: { paused, ...(paused ? { note: PAUSED_NOTE } : {}) } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((prev) => ({ ...prev, spec, action, memo: { automationId, version }, state: { ...prev.state, paused, note: paused ? PAUSED_NOTE : '' } }) as never);
  }
}
