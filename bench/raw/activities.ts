/** The raw benchmark's activity: the same log line the `logging.log` step writes. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
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

/** The raw mutex's activity: signal-with-start of the key's lock workflow with `acquire` (workflows cannot signal-with-start). */
export function createRawLockActivities(client: Client) {
  return {
    async acquireRawLock(args: { lockId: string; workflowId: string }): Promise<void> {
      await client.workflow.signalWithStart('rawLock', {
        taskQueue: Context.current().info.taskQueue,
        workflowId: args.lockId,
        signal: 'acquire',
        signalArgs: [{ workflowId: args.workflowId }],
      });
    },
  };
}

export type RawLockActivities = ReturnType<typeof createRawLockActivities>;
