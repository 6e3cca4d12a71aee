/**
 * Schedule controls on the real dev server: state, pause/resume (a pause by hand survives
 * a save; a disabled automation cannot be resumed), trigger now, backfill over a past
 * range (runs at exactly the cron's times in it), the overlap policy of the definition as
 * Temporal's ScheduleOverlapPolicy, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleIdOf } from '../../src/automations/schedules.ts';
import { createAutomation, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

type Schedule = { paused: boolean; note?: string; overlap: string; nextRuns: string[]; recentRuns: { workflowId: string; scheduledAt: string }[]; runsTaken: number };
type Answer = Schedule & { error?: { code: string; message: string; details?: { path: string }[] } };

describe('schedule controls', () => {
  let stack: TestStack;
  const definition = (extra: Record<string, unknown> = {}, trigger: Record<string, unknown> = {}) => ({
    name: 'nightly',
    trigger: { type: 'schedule', cron: '30 2 * * *', overlap: 'buffer_one', input: { from: 'schedule' }, ...trigger },
    steps: [{ id: 'echo', type: 'transform', output: '{{ input.from }}' }],
    ...extra,
  });
  const call = async (method: string, path: string, json?: unknown) => {
    const res = await stack.api(`/api/v1${path}`, { method, ...(json !== undefined ? { json } : {}) });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const runsOf = async (automationId: string): Promise<{ workflowId: string; status: string }[]> => {
    const res = await stack.api(`/api/v1/runs?automationId=${automationId}&triggerType=schedule`);
    return ((await res.json()) as { items: { workflowId: string; status: string }[] }).items;
  };

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows, pauses, resumes and triggers a schedule; the overlap policy reaches Temporal', async () => {
    const { id } = await createAutomation(stack, definition());
    const state = await call('GET', `/automations/${id}/schedule`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ paused: false, overlap: 'buffer_one', runsTaken: 0 });
    expect(new Date(state.body.nextRuns[0]!).getUTCHours()).toBe(2);
    const described = await stack.services.temporal.client.schedule.getHandle(scheduleIdOf(id)).describe();
    expect(described.policies.overlap).toBe('BUFFER_ONE');

    // Trigger now: one run, with the trigger's input.
    expect((await call('POST', `/automations/${id}/schedule/trigger`, {})).status).toBe(200);
    const runs = await waitFor(async () => {
      const items = await runsOf(id);
      return items.length === 1 && items[0]!.status === 'completed' ? items : undefined;
    }, 'the triggered run to complete');
    expect(runs[0]!.workflowId).toMatch(new RegExp(`^run:${id}:schedule`));
    expect((await call('GET', `/automations/${id}/schedule`)).body.runsTaken).toBe(1);

    // A pause by hand survives a save that changes the overlap policy; resume ends it.
    const paused = await call('POST', `/automations/${id}/schedule/pause`, { note: 'maintenance window' });
    expect(paused.body).toMatchObject({ paused: true, note: 'maintenance window' });
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: definition({}, { overlap: 'allow_all' }) })).status).toBe(200);
    expect((await call('GET', `/automations/${id}/schedule`)).body).toMatchObject({ paused: true, note: 'maintenance window', overlap: 'allow_all' });
    expect((await call('POST', `/automations/${id}/schedule/resume`, {})).body).toMatchObject({ paused: false });

    // Disabled: paused by the definition; resume and trigger are refused until it is enabled.
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: definition({ enabled: false }) })).status).toBe(200);
    expect((await call('GET', `/automations/${id}/schedule`)).body).toMatchObject({ paused: true, note: 'automation disabled (enabled: false)' });
    const refused = await call('POST', `/automations/${id}/schedule/resume`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/disabled/);
    expect((await call('POST', `/automations/${id}/schedule/trigger`, {})).status).toBe(409);
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: definition() })).status).toBe(200);
    expect((await call('GET', `/automations/${id}/schedule`)).body).toMatchObject({ paused: false, overlap: 'buffer_one' });
  });

  it('backfills a past range: one run per cron time in it', async () => {
    const { id } = await createAutomation(stack, definition({ name: 'backfilled' }));
    const end = new Date(Date.now() - 60_000);
    const start = new Date(end.getTime() - 3 * 86_400_000);
    const res = await call('POST', `/automations/${id}/schedule/backfill`, { start: start.toISOString(), end: end.toISOString() });
    expect(res.status).toBe(200);
    const runs = await waitFor(async () => {
      const items = await runsOf(id);
      return items.length >= 3 && items.every((r) => r.status === 'completed') ? items : undefined;
    }, 'three backfilled runs to complete');
    expect(runs).toHaveLength(3);
    const state = await call('GET', `/automations/${id}/schedule`);
    expect(state.body.recentRuns.map((r) => new Date(r.scheduledAt).toISOString().slice(11, 16)).sort()).toEqual(['02:30', '02:30', '02:30']);
  });

  it('answers bad input with 400 and a path, and the wrong automation with 404/409', async () => {
    const { id } = await createAutomation(stack, definition({ name: 'bad-input' }));
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const future = await call('POST', `/automations/${id}/schedule/backfill`, { start: iso(now - 3_600_000), end: iso(now + 3_600_000) });
    expect(future.status).toBe(400);
    expect(future.body.error?.details?.[0]?.path).toBe('body.end');
    const tooLong = await call('POST', `/automations/${id}/schedule/backfill`, { start: iso(now - 40 * 86_400_000), end: iso(now - 60_000) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.message).toMatch(/at most 31 days/);
    expect((await call('POST', `/automations/${id}/schedule/backfill`, { start: iso(now - 60_000), end: iso(now - 3_600_000) })).status).toBe(400);
    expect((await call('POST', `/automations/${id}/schedule/backfill`, { start: 'yesterday', end: iso(now - 60_000) })).status).toBe(400);
    expect((await call('POST', `/automations/${id}/schedule/trigger`, { overlap: 'sometimes' })).status).toBe(400);
    const badOverlap = await stack.api('/api/v1/automations', { method: 'POST', json: definition({ name: 'bad-overlap' }, { overlap: 'terminate' }) });
    expect(badOverlap.status).toBe(400);
    expect(JSON.stringify(await badOverlap.json())).toContain('trigger.overlap');

    const manual = await createAutomation(stack, { name: 'by-hand', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1 }] });
    const noSchedule = await call('POST', `/automations/${manual.id}/schedule/pause`, {});
    expect(noSchedule.status).toBe(409);
    expect(noSchedule.body.error?.message).toMatch(/manual trigger: it has no schedule/);
    expect((await call('GET', '/automations/nope/schedule')).status).toBe(404);
  });
});
