/**
 * A loop's iterations on demand (`GET /api/v1/runs/:workflowId/loops/:stepId`): the run's
 * `loopIterations` query answers the iterations it ran itself and names the batch
 * workflow of the others, whose own query answers their steps. The run state keeps only
 * each loop's progress, so a run page stays small however long the loop.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { notFound } from '../errors.ts';
import type { Services } from '../services.ts';
import { loopIterationsQuery, type LoopIterationsAnswer, type LoopIterationsArgs } from '../../workflows/automation/definitions.ts';
import { RUN_QUERY_DEADLINE_MS } from './run-query.ts';

async function ask(services: Services, workflowId: string, args: LoopIterationsArgs): Promise<LoopIterationsAnswer | undefined> {
  const { connection, workflow } = services.temporal.client;
  try {
    return await connection.withDeadline(Date.now() + RUN_QUERY_DEADLINE_MS, () => workflow.getHandle(workflowId).query(loopIterationsQuery, args));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A page of a loop's iterations with their steps (those of batches not started yet have none). */
export async function loopIterationsOf(services: Services, workflowId: string, args: LoopIterationsArgs): Promise<LoopIterationsAnswer> {
  if (!workflowId.startsWith('run:')) throw notFound(`run ${workflowId}`);
  const answer = await ask(services, workflowId, args);
  if (!answer) throw notFound(`run ${workflowId}`);
  if (answer.progress === undefined && answer.iterations.length === 0) throw notFound(`loop ${args.stepId} of run ${workflowId}`);
  const batches = new Map<string, number[]>();
  for (const it of answer.iterations) if (it.batchWorkflowId) batches.set(it.batchWorkflowId, [...(batches.get(it.batchWorkflowId) ?? []), it.index]);
  for (const [batchId, indexes] of batches) {
    const page = await ask(services, batchId, { stepId: args.stepId, from: indexes[0]!, limit: indexes.length });
    for (const it of page?.iterations ?? []) {
      const mine = answer.iterations.find((x) => x.index === it.index);
      if (mine && it.steps) mine.steps = it.steps;
    }
  }
  return answer;
}
