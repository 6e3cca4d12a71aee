/**
 * The `poll` trigger of a definition: which connection's polling trigger to run, how
 * often (never below {@link MIN_POLL_INTERVAL}) and, for the first poll, how far back.
 */
import { z } from 'zod';
import { DURATION_RE, durationMs } from '../../workflows/automation/duration.ts';
import type { PollTrigger } from '../../workflows/automation/types.ts';

/** The shortest poll interval a definition may set: faster polling costs providers' rate limits and Temporal actions. */
export const MIN_POLL_INTERVAL = '10s';

/** The interval of a poll trigger that names none and whose connector trigger declares none. */
export const DEFAULT_POLL_INTERVAL = '5m';

const duration = z.string().regex(DURATION_RE, 'must be a duration like 30s, 5m, 1h');

export const pollTriggerSchema = z
  .object({
    type: z.literal('poll'),
    connection: z.string().min(1),
    trigger: z.string().min(1).describe("Key of the connector's polling trigger, e.g. new_items"),
    interval: duration.optional().describe(`How often to poll (default: the trigger's own; at least ${MIN_POLL_INTERVAL})`),
    config: z.record(z.string(), z.unknown()).optional().describe("The polling trigger's config, e.g. { url } for feed.new_items"),
    backfill: duration.optional().describe('First poll: also run for items at most this old (default: start from now)'),
  })
  .strict();

/** Cross-field problems of a poll trigger (the interval's minimum). */
export function pollTriggerProblems(trigger: PollTrigger): string[] {
  if (trigger.interval && durationMs(trigger.interval) < durationMs(MIN_POLL_INTERVAL)) {
    return [`trigger.interval: ${trigger.interval} is below the minimum poll interval of ${MIN_POLL_INTERVAL}`];
  }
  return [];
}
