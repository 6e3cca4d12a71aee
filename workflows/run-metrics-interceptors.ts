/**
 * Workflow interceptor that reports how an automation run ended to the worker's
 * `runMetrics` sink (src/metrics/run-sink.ts), which counts it in Prometheus. Sinks add
 * no commands to history and are not called during replay, so this stays deterministic
 * and old histories replay unchanged. Registered by the worker (workflowCodeOptions and
 * the prebuilt bundle), not imported by any workflow.
 */
import { ContinueAsNew, isCancellation, proxySinks, TemporalFailure, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { WORKFLOW_TYPES } from '../src/temporal/constants.ts';

/** How a run ended, as counted. */
export type RunOutcome = 'completed' | 'failed' | 'cancelled';

export interface RunMetricsSinks extends Sinks {
  runMetrics: {
    runEnded(automationId: string, outcome: RunOutcome): void;
  };
}

const { runMetrics } = proxySinks<RunMetricsSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        if (workflowInfo().workflowType !== WORKFLOW_TYPES.automation) return next(input);
        const arg = input.args[0] as { automationId?: unknown } | undefined;
        const automationId = typeof arg?.automationId === 'string' ? arg.automationId : 'unknown';
        try {
          const result = await next(input);
          runMetrics.runEnded(automationId, 'completed');
          return result;
        } catch (err) {
          // Continue-as-new goes on as the same run; other non-failures are workflow task
          // failures that Temporal retries: neither is an outcome.
          if (err instanceof ContinueAsNew) throw err;
          if (isCancellation(err)) runMetrics.runEnded(automationId, 'cancelled');
          else if (err instanceof TemporalFailure) runMetrics.runEnded(automationId, 'failed');
          throw err;
        }
      },
    },
  ],
});
