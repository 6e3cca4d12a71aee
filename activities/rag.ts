/**
 * RAG activities: ingest one batch of staged documents (heartbeating per document)
 * and retrieve chunks for the `rag_retrieve` step.
 */
import { cancellationSignal, Context } from '@temporalio/activity';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { ConnectorError } from '../connectors/sdk/errors.ts';
import type { Orm } from '../src/db/orm.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { Outbound } from '../src/security/outbound.ts';
import { findIndex, ingestDocuments, queryIndex, type IngestBatchResult, type RagDeps, type RagResult } from '../src/rag/service.ts';
import type { MetadataFilter } from '../src/rag/store.ts';
import { withActivityFailures } from './ai-failures.ts';

export interface RagIngestBatchInput {
  indexId: string;
  ingestionId: string;
  documentIds: string[];
}

export interface RagRetrieveInput {
  /** Index id or name. */
  index: string;
  query: string;
  topK?: number | undefined;
  filter?: MetadataFilter | undefined;
}

export interface RagRetrieveOutput {
  index: string;
  results: RagResult[];
}

export function createRagActivities(deps: { orm: Orm; keyring: Keyring; connectors: ConnectorRegistry; outbound: Outbound }) {
  const ragDeps = (): RagDeps => ({ orm: deps.orm, keyring: deps.keyring, connectors: deps.connectors, outbound: deps.outbound, signal: cancellationSignal() });
  return {
    /** Chunks, embeds and stores a batch; safe to retry (see ingestDocuments). */
    async ragIngestBatch(input: RagIngestBatchInput): Promise<IngestBatchResult> {
      const ctx = Context.current();
      return withActivityFailures('RAG ingestion', () => ingestDocuments(ragDeps(), input, (d) => ctx.heartbeat(d)));
    },

    /** Hybrid retrieval; the chunk ids and scores land in workflow history. */
    async ragRetrieve(input: RagRetrieveInput): Promise<RagRetrieveOutput> {
      return withActivityFailures('RAG retrieval', async () => {
        const index = await findIndex(deps.orm.em.fork(), input.index);
        if (!index) throw new ConnectorError('NOT_FOUND', `RAG index ${input.index} not found`);
        const results = await queryIndex(ragDeps(), index, { query: input.query, topK: input.topK ?? 5, filter: input.filter });
        return { index: index.id, results };
      });
    },
  };
}
