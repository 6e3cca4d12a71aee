/**
 * Bounded recovery (docs/operations/recovery.md): an activity that waits on a provider
 * heartbeats while it waits, so when its worker dies Temporal notices within the
 * activity's heartbeat timeout and retries it elsewhere, instead of after its
 * start-to-close timeout (minutes for a model call). The worker throttles heartbeats to
 * `HEARTBEAT_THROTTLE` (src/temporal/worker.ts), well inside the timeout.
 */
import { Context } from '@temporalio/activity';

/** How often a running activity heartbeats while it has a heartbeat timeout. */
export const KEEP_ALIVE_INTERVAL_MS = 3_000;

/** Runs `work` with a heartbeat every few seconds when the activity has a heartbeat timeout. */
export async function heartbeatWhile<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  if (!ctx.info.heartbeatTimeoutMs) return work();
  const timer = setInterval(() => ctx.heartbeat(), KEEP_ALIVE_INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** Every activity of `activities` heartbeats while it runs, except those named in `own` (they heartbeat with progress). */
export function keepingAlive<A extends Record<string, AnyActivity>>(activities: A, own: readonly (keyof A)[]): A {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = own.includes(name) ? fn : (...args: never[]) => heartbeatWhile(() => fn(...args));
  }
  return wrapped as A;
}
