/**
 * Embeddings for RAG through an `openai` connection (OpenAI or any compatible server),
 * in batches. Secrets are decrypted here, inside the activity or API call that needs them.
 */
import type { EntityManager } from '@mikro-orm/core';
import { createOpenAiClient } from '../../connectors/openai/client.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { loadConnection } from '../connections/store.ts';
import type { RagEmbeddingConfig } from '../db/entities/index.ts';
import type { Keyring } from '../security/crypto.ts';
import type { SafeFetch } from '../../connectors/sdk/types.ts';
import { toConnectorError } from '../../connectors/sdk/provider-errors.ts';

export const EMBEDDING_BATCH = 96;

export interface EmbeddingDeps {
  keyring: Keyring;
  /** The process's outbound fetch (services.outbound.fetch). */
  fetch: SafeFetch;
}

/** Embeds texts with the index's embedding connection; vectors in input order. */
export async function embedTexts(deps: EmbeddingDeps, em: EntityManager, embedding: RagEmbeddingConfig, texts: readonly string[]): Promise<number[][]> {
  if (texts.length === 0) return [];
  const conn = await loadConnection(em, deps.keyring, embedding.connection);
  if (!conn) throw new ConnectorError('CONFIG_INVALID', `embedding connection ${embedding.connection} does not exist`);
  if (conn.connector !== 'openai') throw new ConnectorError('CONFIG_INVALID', `embedding connection ${conn.id} is a ${conn.connector} connection; embeddings need an openai connection`);
  const client = createOpenAiClient({
    apiKey: conn.secrets['apiKey'] as string | undefined,
    baseUrl: conn.config['baseUrl'] as string | undefined,
    fetch: deps.fetch,
  });
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += EMBEDDING_BATCH) {
    const input = texts.slice(i, i + EMBEDDING_BATCH);
    let res;
    try {
      res = await client.embeddings.create({ model: embedding.model, input: [...input], dimensions: embedding.dimensions, encoding_format: 'float' });
    } catch (err) {
      throw toConnectorError(err, 'embedding provider');
    }
    const sorted = [...res.data].sort((a, b) => a.index - b.index);
    for (const d of sorted) {
      if (d.embedding.length !== embedding.dimensions) {
        throw new ConnectorError('CONFIG_INVALID', `model ${embedding.model} returned ${d.embedding.length} dimensions; the index expects ${embedding.dimensions}`);
      }
      out.push(d.embedding);
    }
  }
  if (out.length !== texts.length) throw new ConnectorError('UPSTREAM_5XX', `embedding provider returned ${out.length} vectors for ${texts.length} inputs`);
  return out;
}
