/**
 * Bulk cancel: `POST /runs/cancel { filter }` counts the open runs the filter finds (the
 * same visibility query as `GET /runs`) and hands their cancellation to a Temporal batch
 * operation, which works through them durably on the server; `GET /runs/cancel/:jobId`
 * answers its progress. Temporal runs one batch operation per namespace at a time by
 * default: a second bulk cancel while one is in progress answers 409.
 */
import proto from '@temporalio/proto';
import { ApiError, notFound } from '../errors.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import { runListQuery, type RunFilter } from './run-list.ts';

/** The filter of a bulk cancel: every `GET /runs` filter; the status narrows open runs only. */
export type BulkCancelFilter = Omit<RunFilter, 'status'> & { status?: 'running' | 'waiting_approval' | undefined };

export interface BulkCancelProgress {
  /** The batch job (`GET /runs/cancel/:jobId`); null when nothing matched (no job started). */
  jobId: string | null;
  state: 'running' | 'completed' | 'failed';
  /** Runs the filter found when the job started. */
  count: number;
  /** Cancellations requested so far, and those that failed (a run that ended meanwhile). */
  done: number;
  failed: number;
  startedAt?: string | undefined;
  closedAt?: string | undefined;
}

const JOB_PREFIX = 'cancel-runs-';
const STATE = proto.temporal.api.enums.v1.BatchOperationState;
type Describe = proto.temporal.api.workflowservice.v1.IDescribeBatchOperationResponse;

/** Counts the open runs of the filter and starts their cancellation. */
export async function cancelRunsBulk(services: Services, filter: BulkCancelFilter, requestedBy: string): Promise<BulkCancelProgress> {
  const { client, namespace, taskQueue } = services.temporal;
  const query = runListQuery(taskQueue, { ...filter, status: filter.status ?? 'running' });
  const { count } = await client.workflowService.countWorkflowExecutions({ namespace, query });
  const n = Number(count ?? 0);
  if (n === 0) return { jobId: null, state: 'completed', count: 0, done: 0, failed: 0 };
  const jobId = `${JOB_PREFIX}${nanoid(10)}`;
  try {
    await client.workflowService.startBatchOperation({
      namespace,
      jobId,
      visibilityQuery: query,
      reason: `bulk cancel by ${requestedBy}`,
      cancellationOperation: { identity: requestedBy },
    });
  } catch (err) {
    const code = (err as { code?: number }).code;
    // RESOURCE_EXHAUSTED (8): the namespace's concurrent batch operations are in use.
    if (code === 8) throw new ApiError(409, 'CONFLICT', 'another bulk operation is still in progress; retry when it has finished');
    throw err;
  }
  return { jobId, state: 'running', count: n, done: 0, failed: 0, startedAt: new Date().toISOString() };
}

/** Progress of a bulk cancel job. */
export async function bulkCancelProgress(services: Services, jobId: string): Promise<BulkCancelProgress> {
  if (!jobId.startsWith(JOB_PREFIX)) throw notFound(`bulk cancel ${jobId}`);
  const { client, namespace } = services.temporal;
  let res: Describe;
  try {
    res = await client.workflowService.describeBatchOperation({ namespace, jobId });
  } catch (err) {
    if ((err as { code?: number }).code === 5) throw notFound(`bulk cancel ${jobId}`);
    throw err;
  }
  const state = res.state === STATE.BATCH_OPERATION_STATE_COMPLETED ? 'completed' : res.state === STATE.BATCH_OPERATION_STATE_FAILED ? 'failed' : 'running';
  const time = (t: Describe['startTime']) =>
    t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : undefined;
  return {
    jobId,
    state,
    count: Number(res.totalOperationCount ?? 0),
    done: Number(res.completeOperationCount ?? 0),
    failed: Number(res.failureOperationCount ?? 0),
    ...(time(res.startTime) ? { startedAt: time(res.startTime) } : {}),
    ...(state !== 'running' && time(res.closeTime) ? { closedAt: time(res.closeTime) } : {}),
  };
}
