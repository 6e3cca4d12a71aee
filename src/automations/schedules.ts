/**
 * Schedule triggers are Temporal Schedules, one per automation
 * (`automation:<id>`), created, updated and deleted with it. Each scheduled run
 * starts the interpreter pinned to the version current when the schedule was saved,
 * with the trigger's `input` (or `{}`). Poll triggers are Schedules too: every interval
 * they start one poll workflow (workflows/poll-trigger.ts), overlaps skipped, and hand
 * it the last poll's state — so the cursor lives in the Schedule, and an update keeps it.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { runWorkflowId, WORKFLOW_TYPES } from '../temporal/constants.ts';
import type { TemporalHandle } from '../temporal/client.ts';
import type { AutomationRunInput, PollWorkflowInput } from '../../workflows/contracts.ts';
import { durationMs } from '../../workflows/automation/duration.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import { runPriority } from './run-priority.ts';

export const PAUSED_NOTE = 'automation disabled (enabled: false)';

/** The definition's `overlap` → Temporal's ScheduleOverlapPolicy. */
export const OVERLAP_POLICY = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
} as const;
export type OverlapName = keyof typeof OVERLAP_POLICY;

/** Whether automations with this trigger type own a Temporal Schedule (schedule and poll triggers do). */
export function hasSchedule(triggerType: string | null | undefined): boolean {
  return triggerType === 'schedule' || triggerType === 'poll';
}

export function scheduleIdOf(automationId: string): string {
  return `automation:${automationId}`;
}

async function specAndAction(temporal: TemporalHandle, automationId: string, version: number, def: AutomationDefinition & { trigger: { type: 'schedule' } }) {
  const spec: ScheduleSpec = { cronExpressions: [def.trigger.cron], ...(def.trigger.timezone ? { timezone: def.trigger.timezone } : {}) };
  const args: AutomationRunInput = { automationId, version, input: def.trigger.input ?? {}, trigger: { type: 'schedule' } };
  // Every scheduled run has the same input, so its priority (and rendered fairness key) is fixed when the schedule is saved.
  const priority = await runPriority(def, args);
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPES.automation,
    taskQueue: temporal.taskQueue,
    args: [args],
    workflowId: runWorkflowId(automationId, 'schedule'),
    staticSummary: `${def.name} v${version} (schedule)`,
    ...(priority ? { priority } : {}),
  };
  return { spec, action };
}

function pollSpecAndAction(temporal: TemporalHandle, automationId: string, version: number, def: AutomationDefinition, interval: string) {
  const { name } = def;
  const spec: ScheduleSpec = { intervals: [{ every: durationMs(interval) }] };
  const args: PollWorkflowInput = { automationId, version };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPES.poll,
    taskQueue: temporal.taskQueue,
    args: [args],
    workflowId: `poll:${automationId}`,
    staticSummary: `${name} v${version} (poll)`,
    // The poll itself goes at the automation's priority; each run it starts gets its own (with its fairness key) from pollTrigger.
    ...(def.priority !== undefined ? { priority: { priorityKey: def.priority } } : {}),
  };
  return { spec, action };
}

/**
 * Creates, updates or removes the automation's schedule to match its definition.
 * `pollInterval`: the interval of a poll trigger (its own, else the connector trigger's default).
 */
export async function syncSchedule(
  temporal: TemporalHandle,
  automationId: string,
  version: number,
  def: AutomationDefinition | undefined,
  pollInterval?: string,
): Promise<void> {
  const scheduleId = scheduleIdOf(automationId);
  const handle = temporal.client.schedule.getHandle(scheduleId);
  const polls = def?.trigger.type === 'poll' && pollInterval !== undefined;
  if (!def || (def.trigger.type !== 'schedule' && !polls)) {
    await handle.delete().catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    return;
  }
  // A disabled automation keeps its schedule, paused: enabling it resumes the same schedule.
  const paused = def.enabled === false;
  // Overlapping polls are always skipped (one cursor); a schedule trigger names its policy.
  const policies = { overlap: OVERLAP_POLICY[(def.trigger.type === 'schedule' ? def.trigger.overlap : undefined) ?? 'skip'] };
  const { spec, action } = polls
    ? pollSpecAndAction(temporal, automationId, version, def, pollInterval)
    : await specAndAction(temporal, automationId, version, def as AutomationDefinition & { trigger: { type: 'schedule' } });
  try {
    await temporal.client.schedule.create({ scheduleId, spec, action, policies, memo: { automationId, version }, state: { paused, ...(paused ? { note: PAUSED_NOTE } : {}) } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((prev) => {
      // A pause by hand (POST …/schedule/pause) outlives a save of an enabled automation.
      const pausedByHand = !paused && prev.state.paused && prev.state.note !== PAUSED_NOTE;
      const state = pausedByHand ? prev.state : { ...prev.state, paused, note: paused ? PAUSED_NOTE : '' };
      return { ...prev, spec, action, policies: { ...prev.policies, ...policies }, memo: { automationId, version }, state } as never;
    });
  }
}
