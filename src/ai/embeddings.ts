/**
 * Embeddings for RAG through any connection whose connector provides `embeddings`
 * (connectors/sdk/capabilities.ts), in the provider's batches (the SDK's runEmbed).
 * Secrets are decrypted here, inside the activity or API call that needs them.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { EmbeddingInputType } from '../../connectors/sdk/capabilities.ts';
import { runEmbed } from '../../connectors/sdk/embeddings.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { RagEmbeddingConfig } from '../db/entities/index.ts';
import { providerOf, scrubbingSecrets, type ProviderDeps } from './providers.ts';

export type EmbeddingDeps = ProviderDeps;

/** Embeds texts with the index's embedding connection; vectors in input order. */
export async function embedTexts(
  deps: EmbeddingDeps,
  em: EntityManager,
  embedding: RagEmbeddingConfig,
  texts: readonly string[],
  inputType: EmbeddingInputType = 'document',
): Promise<number[][]> {
  if (texts.length === 0) return [];
  const provider = await providerOf(deps, em, embedding.connection, 'embeddings', 'a RAG index');
  const { vectors } = await scrubbingSecrets(provider.redactor, () =>
    runEmbed(provider.connector, provider.capability, provider.ctx, { model: embedding.model, texts: [...texts], inputType, dimensions: embedding.dimensions }),
  );
  for (const v of vectors) {
    if (v.length !== embedding.dimensions) {
      throw new ConnectorError('CONFIG_INVALID', `model ${embedding.model} returned ${v.length} dimensions; the index expects ${embedding.dimensions}`);
    }
  }
  return vectors;
}

/**
 * Why `embedding` cannot work, checked when an index is created (undefined when it
 * can): the connection exists, its connector provides embeddings, and the model can
 * produce the index's vector size when the provider knows its sizes.
 */
export function embeddingProblem(deps: Pick<EmbeddingDeps, 'connectors'>, connector: string | undefined, embedding: RagEmbeddingConfig): string | undefined {
  if (connector === undefined) return `embedding.connection ${embedding.connection} does not exist`;
  const def = deps.connectors.get(connector);
  const provided = def?.capabilities?.embeddings;
  if (!provided) {
    const able = deps.connectors.withCapability('embeddings');
    return `embedding.connection must be a connection whose connector provides embeddings (${able.join(', ') || 'none installed'}); ${embedding.connection} is a ${connector} connection`;
  }
  const sizes = provided.dimensions?.(embedding.model);
  if (sizes && !sizes.includes(embedding.dimensions)) return `${connector} model ${embedding.model} produces ${sizes.join(' or ')} dimensions, not ${embedding.dimensions}`;
  return undefined;
}
