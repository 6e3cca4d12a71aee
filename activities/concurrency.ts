/**
 * Activities of concurrency keys (docs/concepts/flow-control.md): a run asks its keeper
 * for a slot (`requestConcurrencySlot`, one signal-with-start through the worker's client),
 * and a keeper watches each holder until it closes (`awaitRunClosed`, on the watchers' own
 * task queue and worker: it waits as long as the run does, so it must not take the slots of
 * provider calls).
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { WORKFLOW_TYPES } from '../src/temporal/constants.ts';
import { concurrencyKeeperId, requestSlotSignal, type ConcurrencyKeeperInput, type SlotRequest } from '../workflows/automation/concurrency-contracts.ts';

export interface ConcurrencySlotRequest extends SlotRequest {
  automationId: string;
  key: string;
}

export function createConcurrencyActivities() {
  return {
    /** Queues the run with its keeper, starting the keeper when it is not running. */
    async requestConcurrencySlot(req: ConcurrencySlotRequest): Promise<{ keeperId: string }> {
      const ctx = Context.current();
      const keeperId = concurrencyKeeperId(req.automationId, req.key);
      const input: ConcurrencyKeeperInput = { automationId: req.automationId, key: req.key, limit: req.limit };
      await ctx.client.workflow.signalWithStart(WORKFLOW_TYPES.concurrencyKeeper, {
        workflowId: keeperId,
        taskQueue: ctx.info.taskQueue,
        args: [input],
        signal: requestSlotSignal,
        signalArgs: [{ workflowId: req.workflowId, limit: req.limit, ...(req.startedAt !== undefined ? { startedAt: req.startedAt } : {}) }],
        staticSummary: `concurrency slots of ${req.automationId}, key ${req.key}`,
      });
      return { keeperId };
    },

    /** Resolves when the run closes, however (completed, failed, cancelled, timed out, terminated), or when it does not exist. */
    async awaitRunClosed(args: { workflowId: string }): Promise<void> {
      const ctx = Context.current();
      const closed = ctx.client.workflow
        .getHandle(args.workflowId)
        .result()
        .then(
          () => undefined,
          (err: unknown) => {
            if (err instanceof WorkflowFailedError || err instanceof WorkflowNotFoundError) return undefined;
            throw err; // Temporal unavailable and the like: the activity is retried
          },
        );
      // A keeper that continued as new leaves this watch behind: its heartbeat is cancelled.
      await Promise.race([closed, ctx.cancelled]);
    },
  };
}
