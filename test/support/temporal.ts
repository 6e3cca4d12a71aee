/** Temporal test environments built on the binaries resolved by global setup. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';

const START_ATTEMPTS = 3;

/**
 * The time-skipping test server (for long waits: timers of days run in milliseconds).
 * The SDK gives the server a fixed 5 s to accept connections; on a loaded 2-core machine
 * a cold start can miss that, so a start that fails that way is tried again on a new port.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
      });
    } catch (err) {
      if (attempt >= START_ATTEMPTS || !/did not start within/.test(String((err as Error).message))) throw err;
    }
  }
}
