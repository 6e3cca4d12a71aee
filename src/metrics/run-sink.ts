/**
 * The worker side of workflows/run-metrics-interceptors.ts: the `runMetrics` sink counts
 * each automation run's end in `switchboard_runs_finished_total`. Not called on replay.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { RunMetricsSinks } from '../../workflows/run-metrics-interceptors.ts';
import { runOutcomes } from './metrics.ts';

export function runMetricsSinks(): InjectedSinks<RunMetricsSinks> {
  return {
    runMetrics: {
      runEnded: {
        fn(_info, automationId, outcome) {
          runOutcomes.inc({ automation: automationId, outcome });
        },
        callDuringReplay: false,
      },
    },
  };
}
