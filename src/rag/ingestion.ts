/**
 * Starting and reading RAG ingestion runs (shared by the REST API and the /mcp tools).
 */
import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { RagIndex } from '../db/entities/index.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import { WORKFLOW_ID_PREFIX } from '../temporal/constants.ts';
import { ragIngestProgressQuery, type RagIngestInput, type RagIngestProgress } from '../../workflows/rag-ingest.ts';
import { stageDocuments, type NewDocument } from './service.ts';
import { IngestionStartError } from '../errors.ts';

/** Stages the documents and starts `ragIngestWorkflow`; returns the ingestion (workflow) id. */
export async function startIngestion(services: Services, index: RagIndex, documents: readonly NewDocument[], batchSize?: number): Promise<string> {
  const ingestionId = `${WORKFLOW_ID_PREFIX.ingest}:${index.id}:${nanoid(12)}`;
  const ids = await stageDocuments(services.orm.em.fork(), index.id, documents, ingestionId);
  const input: RagIngestInput = { indexId: index.id, documentIds: ids, ...(batchSize ? { batchSize } : {}) };
  try {
    await services.temporal.client.workflow.start('ragIngestWorkflow', {
      workflowId: ingestionId,
      taskQueue: services.temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `Ingest ${ids.length} documents into RAG index ${index.name}`,
    });
  } catch (err) {
    throw new IngestionStartError((err as Error).message, { cause: err });
  }
  return ingestionId;
}

export interface IngestionStatus extends Omit<RagIngestProgress, 'batches' | 'indexId'> {
  ingestionId: string;
  status: string;
}

/** Status and progress of an ingestion, or undefined when there is none with that id. */
export async function ingestionStatus(services: Services, ingestionId: string): Promise<IngestionStatus | undefined> {
  if (!ingestionId.startsWith(`${WORKFLOW_ID_PREFIX.ingest}:`)) return undefined;
  const handle = services.temporal.client.workflow.getHandle(ingestionId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch {
    return undefined;
  }
  const p: RagIngestProgress = status === 'COMPLETED' ? await handle.result() : await handle.query(ragIngestProgressQuery);
  return { ingestionId, status, total: p.total, processed: p.processed, indexed: p.indexed, chunks: p.chunks, failed: p.failed, done: p.done };
}
