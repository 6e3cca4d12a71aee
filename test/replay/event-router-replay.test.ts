/**
 * Replay gate of the event router (histories in test/replay/histories/event-router, written
 * by record-event-router.ts): a router recorded with its look-up as an activity task (before
 * `event-route-local`) and one recorded with it as a local activity both replay on the
 * current workflow code; each started the subscribed run and signalled the waiting one. A run
 * resumed by intake's `consumed` signal (record-wait-consumed.ts) replays without its
 * `clearEventWait` local activity under `patched('event-wait-consumed')`, and the router
 * intake starts for it looks nothing up (`patched('event-route-checked')`).
 */
import { describe, expect, it } from 'vitest';
import { EVENT_ROUTE_CHECKED_PATCH, EVENT_ROUTE_LOCAL_PATCH, EVENT_WAIT_CONSUMED_PATCH } from '../../src/temporal/constants.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { loadHistories, replaySubdir, HISTORIES_DIR } from './histories.ts';

describe('replay gate of the event router', () => {
  it('replays routers recorded before and after the local look-up on the current workflow code', async () => {
    const results = await replaySubdir('event-router', workflowsPath);
    expect(results.map((r) => r.workflowId.split(':')[0]).sort()).toEqual(['run', 'wh', 'wh', 'wh']);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('holds one history of each shape: the look-up as an activity task, and as a local activity under its patch', async () => {
    const histories = (await loadHistories(`${HISTORIES_DIR}event-router`)).filter((h) => h.workflowId.startsWith('wh:'));
    const shapes = histories.map(({ history }) => {
      const events = history.events ?? [];
      const patches = events.flatMap((e) => {
        const details = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
        return details ? [Buffer.from(details).toString('utf8')] : [];
      });
      return {
        activityTasks: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
        localPatch: patches.some((p) => p.includes(EVENT_ROUTE_LOCAL_PATCH)),
        checkedPatch: patches.some((p) => p.includes(EVENT_ROUTE_CHECKED_PATCH)),
        lookups: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
        childStarted: events.some((e) => e.childWorkflowExecutionStartedEventAttributes),
        signalled: events.some((e) => e.externalWorkflowExecutionSignaledEventAttributes),
      };
    });
    expect(shapes).toContainEqual({ activityTasks: 1, localPatch: false, checkedPatch: false, lookups: 0, childStarted: true, signalled: true });
    expect(shapes).toContainEqual({ activityTasks: 0, localPatch: true, checkedPatch: false, lookups: 1, childStarted: true, signalled: true });
    // Intake resumed the waiters and found no subscriber: the router looks nothing up.
    expect(shapes).toContainEqual({ activityTasks: 0, localPatch: false, checkedPatch: true, lookups: 0, childStarted: false, signalled: false });
  });

  it('holds a run resumed by a consumed signal: no clearEventWait, the patch marker instead', async () => {
    const run = (await loadHistories(`${HISTORIES_DIR}event-router`)).find((h) => h.workflowId.startsWith('run:'))!;
    const markers = (run.history.events ?? []).flatMap((e) => {
      const d = e.markerRecordedEventAttributes?.details;
      const data = (d?.['patch-data'] ?? d?.['data'])?.payloads?.[0]?.data;
      return data ? [Buffer.from(data).toString('utf8')] : [];
    });
    expect(markers.some((m) => m.includes(EVENT_WAIT_CONSUMED_PATCH))).toBe(true);
    expect(markers.filter((m) => m.includes('"activity_type":"clearEventWait"'))).toHaveLength(0);
    expect(markers.filter((m) => m.includes('"activity_type":"registerEventWait"'))).toHaveLength(1);
  });
});
