/**
 * The run-metrics interceptor in the replay gate: the recorded histories replay with
 * it bundled exactly as a worker runs them (no new commands), and replay never calls
 * the sink, so a restarted worker does not count a run twice.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { runOutcomes } from '../../src/metrics/metrics.ts';
import { runMetricsSinks } from '../../src/metrics/run-sink.ts';
import { workflowCodeOptions } from '../../src/temporal/workflow-code.ts';
import { loadHistories } from './histories.ts';

describe('run metrics interceptor on replay', () => {
  it('replays every recorded history with the interceptor and counts nothing', async () => {
    const options = workflowCodeOptions();
    expect(options.interceptors?.workflowModules).toHaveLength(2);
    const histories = await loadHistories();
    const results = [];
    for await (const r of Worker.runReplayHistories({ ...options, sinks: runMetricsSinks(), replayName: 'run-metrics-replay' }, histories)) results.push(r);
    expect(results).toHaveLength(histories.length);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
    expect((await runOutcomes.get()).values).toEqual([]);
  });
});
