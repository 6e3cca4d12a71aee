/**
 * Ingestion of staged RAG documents: batches run one after another as activities
 * (heartbeating, retried); progress is answered by a query and shown as the run's
 * current details in the Temporal UI.
 */
import { defineQuery, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning.ts';
import type { Activities } from '../activities/index.ts';
import { RAG_INGEST_BATCH_ACTIVITY_OPTIONS } from './activity-options.ts';

const { ragIngestBatch } = proxyActivities<Activities>(RAG_INGEST_BATCH_ACTIVITY_OPTIONS);

export interface RagIngestInput {
  indexId: string;
  documentIds: string[];
  batchSize?: number;
}

export interface RagIngestProgress {
  indexId: string;
  total: number;
  /** Documents handled so far (indexed + skipped + failed). */
  processed: number;
  indexed: number;
  chunks: number;
  batches: { done: number; total: number };
  failed: { documentId: string; error: string }[];
  done: boolean;
}

/** Progress of an ingestion run. */
export const ragIngestProgressQuery = defineQuery<RagIngestProgress>('ragIngestProgress');

/**
 * Versioned workers: PINNED. An ingestion runs batch after batch (minutes to hours) and no
 * recorded history guards its loop, so it finishes on the code that started it.
 */
export async function ragIngestWorkflow(input: RagIngestInput): Promise<RagIngestProgress> {
  const size = Math.max(1, Math.min(input.batchSize ?? 50, 500));
  const batches: string[][] = [];
  for (let i = 0; i < input.documentIds.length; i += size) batches.push(input.documentIds.slice(i, i + size));
  const progress: RagIngestProgress = {
    indexId: input.indexId,
    total: input.documentIds.length,
    processed: 0,
    indexed: 0,
    chunks: 0,
    batches: { done: 0, total: batches.length },
    failed: [],
    done: false,
  };
  setHandler(ragIngestProgressQuery, () => progress);
  const show = () => setCurrentDetails(`**Ingesting** ${progress.processed}/${progress.total} documents · ${progress.chunks} chunks · ${progress.failed.length} failed`);
  show();
  const ingestionId = workflowInfo().workflowId;
  for (const [n, documentIds] of batches.entries()) {
    const r = await ragIngestBatch.executeWithOptions(
      {
        ...RAG_INGEST_BATCH_ACTIVITY_OPTIONS,
        summary: `batch ${n + 1}/${batches.length} (${documentIds.length} documents)`,
      },
      [{ indexId: input.indexId, ingestionId, documentIds }],
    );
    progress.processed += r.processed + r.skipped + r.failed.length;
    progress.indexed += r.processed;
    progress.chunks += r.chunks;
    progress.failed.push(...r.failed);
    progress.batches.done = n + 1;
    show();
  }
  progress.done = true;
  show();
  return progress;
}
declareVersioningBehavior('PINNED', ragIngestWorkflow);
