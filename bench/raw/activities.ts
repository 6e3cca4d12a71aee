/** The raw benchmark's activity: the same log line the `logging.log` step writes. */
import type { Logger } from '../../src/logger.ts';

export function createRawActivities(logger: Logger) {
  return {
    async logIssue(args: { message: string; delivery: string }): Promise<{ logged: true; at: string }> {
      logger.info({ delivery: args.delivery }, args.message);
      return { logged: true, at: new Date().toISOString() };
    },
  };
}

export type RawActivities = ReturnType<typeof createRawActivities>;
