/** `switchboard schedules get|pause|resume|trigger|backfill`: an automation's Temporal Schedule through the HTTP API. */
import { Option, type Command } from 'commander';
import { SCHEDULE_OVERLAP_POLICIES } from '../automations/definition.ts';
import type { ScheduleView } from '../automations/schedule-controls.ts';
import type { OverlapName } from '../automations/schedules.ts';
import { apiClient } from './api.ts';
import { apiAction, printFields } from './output.ts';

function showSchedule(s: ScheduleView): void {
  printFields([
    ['schedule', s.scheduleId],
    ['trigger', s.trigger],
    ['state', s.paused ? `paused${s.note ? ` (${s.note})` : ''}` : 'active'],
    ['overlap', s.overlap],
    ['next runs', s.nextRuns.join(', ') || '(none)'],
    ['recent runs', s.recentRuns.map((r) => `${r.workflowId} @ ${r.scheduledAt}`).join(', ') || '(none)'],
    ['running', s.running.length ? s.running.join(', ') : undefined],
    ['runs taken', s.runsTaken],
    ['skipped (overlap)', s.skippedOverlap],
  ]);
}

const overlapOption = () => new Option('--overlap <policy>', 'overlap policy for these runs').choices([...SCHEDULE_OVERLAP_POLICIES]);

export function registerScheduleCommands(program: Command): void {
  const schedules = program.command('schedules').description("Schedules of schedule-triggered automations: state, pause, resume, trigger now, backfill");
  apiAction(
    schedules.command('get <automationId>').description("A schedule's state: paused, overlap policy, next and recent runs"),
    (_o: { json?: boolean }, id: string) => apiClient().getSchedule(id),
    showSchedule,
  );
  apiAction(
    schedules.command('pause <automationId>').description('Pause the schedule until resumed').option('--note <text>', 'why (shown as the note)'),
    (o: { json?: boolean; note?: string }, id: string) => apiClient().pauseSchedule(id, o.note),
    showSchedule,
  );
  apiAction(
    schedules.command('resume <automationId>').description('Resume a paused schedule').option('--note <text>', 'why'),
    (o: { json?: boolean; note?: string }, id: string) => apiClient().resumeSchedule(id, o.note),
    showSchedule,
  );
  apiAction(
    schedules.command('trigger <automationId>').description('Start one run now, as if the schedule were due').addOption(overlapOption()),
    (o: { json?: boolean; overlap?: OverlapName }, id: string) => apiClient().triggerSchedule(id, o.overlap),
    showSchedule,
  );
  apiAction(
    schedules
      .command('backfill <automationId>')
      .description('Start the runs the schedule would have started in a past range (at most 31 days)')
      .requiredOption('--start <iso>', 'start of the range (ISO-8601, inclusive)')
      .requiredOption('--end <iso>', 'end of the range (ISO-8601, exclusive; not in the future)')
      .addOption(overlapOption()),
    (o: { json?: boolean; start: string; end: string; overlap?: OverlapName }, id: string) =>
      apiClient().backfillSchedule(id, { start: o.start, end: o.end, ...(o.overlap ? { overlap: o.overlap } : {}) }),
    showSchedule,
  );
}
