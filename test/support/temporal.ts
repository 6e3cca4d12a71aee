/** Temporal test environments built on the binaries resolved by global setup. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';

/** The time-skipping test server (for long waits: timers of days run in milliseconds). */
export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
}
