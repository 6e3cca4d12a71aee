/**
 * `/automations/:id/schedule`: the Temporal Schedule of a schedule or poll automation —
 * its state, pause/resume, trigger now and backfill (src/automations/schedule-controls.ts).
 */
import { z } from 'zod';
import { SCHEDULE_OVERLAP_POLICIES } from '../../automations/definition.ts';
import { backfillSchedule, MAX_BACKFILL_MS, pauseSchedule, resumeSchedule, scheduleState, triggerSchedule } from '../../automations/schedule-controls.ts';
import { AutomationService } from '../../automations/service.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { idParams } from '../ids.ts';

const overlap = z.enum(SCHEDULE_OVERLAP_POLICIES);
const scheduleSchema = z
  .object({
    automationId: z.string(),
    scheduleId: z.string(),
    trigger: z.enum(['schedule', 'poll']),
    paused: z.boolean(),
    note: z.string().optional().describe('why it is paused'),
    overlap: overlap.describe("the schedule's overlap policy"),
    nextRuns: z.array(z.string()).describe('the next times it is due (at most 5)'),
    recentRuns: z.array(z.object({ workflowId: z.string(), scheduledAt: z.string(), takenAt: z.string() })).describe('the last runs it started, newest first (at most 5)'),
    running: z.array(z.string()).describe('workflow ids of the runs it started that still run'),
    runsTaken: z.number().int(),
    skippedOverlap: z.number().int().describe('due runs skipped because the last one still ran'),
  })
  .meta({ id: 'Schedule' });
const noteBody = z.object({ note: z.string().min(1).max(500).optional().describe('why (shown as the schedule note)') }).strict();
const isoTime = z.iso.datetime({ offset: true });
const maxDays = MAX_BACKFILL_MS / 86_400_000;
const common = { tags: ['schedules'], params: idParams, temporal: true };
const answers = (description: string) => ({
  200: { description, schema: scheduleSchema },
  404: { description: 'No such automation, or its schedule is missing' },
  409: { description: 'The automation has no schedule (webhook or manual trigger), or it is disabled' },
});

export function scheduleRoutes(services: Services) {
  const automations = () => AutomationService.of(services);
  const { temporal } = services;
  return [
    route({
      ...common,
      method: 'get',
      path: '/automations/:id/schedule',
      summary: "The automation's schedule: paused, overlap policy, next and recent runs",
      scope: 'automations:read',
      responses: answers('The schedule'),
      handler: async ({ params }) => ({ body: await scheduleState(temporal, automations(), params.id) }),
    }),
    route({
      ...common,
      method: 'post',
      path: '/automations/:id/schedule/pause',
      summary: 'Pause the schedule (no runs start until it is resumed; saving the automation keeps the pause)',
      scope: 'automations:write',
      body: noteBody.meta({ id: 'SchedulePause' }),
      responses: answers('The paused schedule'),
      handler: async ({ params, body }) => ({ body: await pauseSchedule(temporal, automations(), params.id, body.note) }),
    }),
    route({
      ...common,
      method: 'post',
      path: '/automations/:id/schedule/resume',
      summary: 'Resume a paused schedule (409 while the automation is disabled)',
      scope: 'automations:write',
      body: noteBody.meta({ id: 'ScheduleResume' }),
      responses: answers('The resumed schedule'),
      handler: async ({ params, body }) => ({ body: await resumeSchedule(temporal, automations(), params.id, body.note) }),
    }),
    route({
      ...common,
      method: 'post',
      path: '/automations/:id/schedule/trigger',
      summary: 'Start a run now, as if the schedule were due',
      description: '`overlap` overrides the policy for this run only (default: the schedule\'s). Works while paused by hand; 409 while the automation is disabled.',
      scope: 'runs:write',
      body: z.object({ overlap: overlap.optional() }).strict().meta({ id: 'ScheduleTrigger' }),
      responses: answers('The schedule (the run shows in `recentRuns` once started)'),
      handler: async ({ params, body }) => ({ body: await triggerSchedule(temporal, automations(), params.id, body.overlap) }),
    }),
    route({
      ...common,
      method: 'post',
      path: '/automations/:id/schedule/backfill',
      summary: 'Start the runs the schedule would have started in a past time range',
      description: `\`[start, end)\` must lie in the past and span at most ${maxDays} days (400 otherwise). \`overlap\` defaults to \`allow_all\`: the backfilled runs do not wait for each other. Schedule triggers only (409 for polls).`,
      scope: 'runs:write',
      body: z
        .object({ start: isoTime.describe('ISO-8601, inclusive'), end: isoTime.describe('ISO-8601, exclusive; not in the future'), overlap: overlap.optional() })
        .strict()
        .meta({ id: 'ScheduleBackfill' }),
      responses: answers('The schedule; the backfilled runs start in the background'),
      handler: async ({ params, body }) => ({ body: await backfillSchedule(temporal, automations(), params.id, body) }),
    }),
  ];
}
