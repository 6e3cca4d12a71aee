/**
 * Controls of an automation's Temporal Schedule (schedules.ts keeps it in step with the
 * definition): its state, pause and resume, trigger now and backfill. A disabled
 * automation's schedule stays paused until the automation is enabled again; a pause by
 * hand outlives later saves until it is resumed.
 */
import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { TemporalHandle } from '../temporal/client.ts';
import { hasSchedule, OVERLAP_POLICY, PAUSED_NOTE, scheduleIdOf, type OverlapName } from './schedules.ts';
import type { AutomationService } from './service.ts';

/** The longest time range one backfill covers (`end - start`). */
export const MAX_BACKFILL_MS = 31 * 24 * 3600 * 1000;
/** How many upcoming and recent runs the state lists. */
const LISTED = 5;

export interface ScheduleView {
  automationId: string;
  scheduleId: string;
  trigger: 'schedule' | 'poll';
  paused: boolean;
  /** Why it is paused (`automation disabled (enabled: false)`, or the note given to pause). */
  note?: string | undefined;
  overlap: OverlapName;
  nextRuns: string[];
  recentRuns: { workflowId: string; scheduledAt: string; takenAt: string }[];
  running: string[];
  runsTaken: number;
  skippedOverlap: number;
}

const OVERLAP_NAME = Object.fromEntries(Object.entries(OVERLAP_POLICY).map(([name, policy]) => [policy, name])) as Record<string, OverlapName>;

interface Controlled {
  handle: ReturnType<TemporalHandle['client']['schedule']['getHandle']>;
  trigger: 'schedule' | 'poll';
  enabled: boolean;
}

async function controlled(temporal: TemporalHandle, automations: AutomationService, automationId: string): Promise<Controlled> {
  const automation = await automations.get(automationId);
  const trigger = automation.definition.trigger.type;
  if (!hasSchedule(trigger)) throw conflict(`automation ${automationId} has a ${trigger} trigger: it has no schedule`);
  return { handle: temporal.client.schedule.getHandle(scheduleIdOf(automationId)), trigger: trigger as Controlled['trigger'], enabled: automation.definition.enabled !== false };
}

async function describe(c: Controlled, automationId: string): Promise<ScheduleDescription> {
  try {
    return await c.handle.describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw notFound(`schedule of automation ${automationId}`);
    throw err;
  }
}

function view(automationId: string, c: Controlled, d: ScheduleDescription): ScheduleView {
  return {
    automationId,
    scheduleId: d.scheduleId,
    trigger: c.trigger,
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    overlap: (d.policies.overlap ? OVERLAP_NAME[d.policies.overlap] : undefined) ?? 'skip',
    nextRuns: d.info.nextActionTimes.slice(0, LISTED).map((t) => t.toISOString()),
    recentRuns: d.info.recentActions
      .slice(-LISTED)
      .reverse()
      .map((a) => ({ workflowId: a.action.workflow.workflowId, scheduledAt: a.scheduledAt.toISOString(), takenAt: a.takenAt.toISOString() })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    runsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
  };
}

export async function scheduleState(temporal: TemporalHandle, automations: AutomationService, automationId: string): Promise<ScheduleView> {
  const c = await controlled(temporal, automations, automationId);
  return view(automationId, c, await describe(c, automationId));
}

export async function pauseSchedule(temporal: TemporalHandle, automations: AutomationService, automationId: string, note?: string): Promise<ScheduleView> {
  const c = await controlled(temporal, automations, automationId);
  await describe(c, automationId);
  await c.handle.pause(note ?? 'paused from the API');
  return view(automationId, c, await describe(c, automationId));
}

export async function resumeSchedule(temporal: TemporalHandle, automations: AutomationService, automationId: string, note?: string): Promise<ScheduleView> {
  const c = await controlled(temporal, automations, automationId);
  if (!c.enabled) throw conflict(`automation ${automationId} is disabled (enabled: false): enable it to resume its schedule`);
  const d = await describe(c, automationId);
  if (d.state.paused || d.state.note === PAUSED_NOTE) await c.handle.unpause(note ?? 'resumed from the API');
  return view(automationId, c, await describe(c, automationId));
}

/** Starts one run now, as if the schedule were due; `overlap` overrides the policy for it. */
export async function triggerSchedule(temporal: TemporalHandle, automations: AutomationService, automationId: string, overlap?: OverlapName): Promise<ScheduleView> {
  const c = await controlled(temporal, automations, automationId);
  if (!c.enabled) throw conflict(`automation ${automationId} is disabled (enabled: false): enable it to trigger its schedule`);
  await describe(c, automationId);
  await c.handle.trigger(overlap ? OVERLAP_POLICY[overlap] : undefined);
  return view(automationId, c, await describe(c, automationId));
}

export interface BackfillRequest {
  start: string;
  end: string;
  overlap?: OverlapName | undefined;
}

/**
 * Starts the runs the schedule would have started in `[start, end)`: a past range of at
 * most {@link MAX_BACKFILL_MS}. Overlap defaults to `allow_all` (backfilled runs of the
 * past do not wait for each other) unless given.
 */
export async function backfillSchedule(temporal: TemporalHandle, automations: AutomationService, automationId: string, req: BackfillRequest, now = new Date()): Promise<ScheduleView> {
  const start = new Date(req.start);
  const end = new Date(req.end);
  if (end.getTime() <= start.getTime()) throw badRequest('end must be after start', [{ path: 'body.end', message: 'must be after start' }]);
  if (end.getTime() > now.getTime()) throw badRequest('a backfill covers the past: end is in the future', [{ path: 'body.end', message: 'must not be in the future' }]);
  if (end.getTime() - start.getTime() > MAX_BACKFILL_MS) {
    throw badRequest(`a backfill covers at most ${MAX_BACKFILL_MS / 86_400_000} days`, [{ path: 'body.start', message: `the range is longer than ${MAX_BACKFILL_MS / 86_400_000} days` }]);
  }
  const c = await controlled(temporal, automations, automationId);
  if (c.trigger !== 'schedule') throw conflict(`automation ${automationId} polls: a poll trigger has nothing to backfill`);
  if (!c.enabled) throw conflict(`automation ${automationId} is disabled (enabled: false): enable it to backfill its schedule`);
  await describe(c, automationId);
  await c.handle.backfill({ start, end, overlap: OVERLAP_POLICY[req.overlap ?? 'allow_all'] });
  return view(automationId, c, await describe(c, automationId));
}

