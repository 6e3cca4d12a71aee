/**
 * The shared half of embedding texts: batches of the provider's `maxBatch`, provider
 * errors mapped to our codes, one vector per text checked. RAG ingestion and queries
 * (src/ai/embeddings.ts) and the connectors' `embed` action run the same code.
 */
import type { EmbeddingsCapability, EmbedRequest, EmbedResult, ProviderContext } from './capabilities.ts';
import { ConnectorError } from './errors.ts';
import { defineAction } from './index.ts';
import { embedInputSchema, embedOutputSchema } from './llm-schemas.ts';
import { toConnectorError } from './provider-errors.ts';

/** Embeds `request.texts` through `embeddings` in batches; vectors in input order. */
export async function runEmbed(
  connector: string,
  embeddings: EmbeddingsCapability,
  ctx: ProviderContext,
  request: Omit<EmbedRequest, 'model'> & { model?: string | undefined },
): Promise<Required<Pick<EmbedResult, 'vectors'>> & { model: string; usage: { inputTokens: number } }> {
  const model = request.model ?? embeddings.defaultModel;
  if (!model) throw new ConnectorError('CONFIG_INVALID', `no embedding model: name one (${connector} has no default)`);
  const batch = Math.max(1, Math.floor(embeddings.maxBatch));
  const vectors: number[][] = [];
  let inputTokens = 0;
  for (let i = 0; i < request.texts.length; i += batch) {
    const texts = request.texts.slice(i, i + batch);
    let res: EmbedResult;
    try {
      res = await embeddings.embed(ctx, { ...request, model, texts });
    } catch (err) {
      throw toConnectorError(err, `${connector} embedding model ${model}`);
    }
    if (res.vectors.length !== texts.length) throw new ConnectorError('UPSTREAM_5XX', `${connector} returned ${res.vectors.length} vectors for ${texts.length} texts`);
    vectors.push(...res.vectors);
    inputTokens += res.usage?.inputTokens ?? 0;
  }
  return { vectors, model, usage: { inputTokens } };
}

/** The `embed` action every embeddings connector exposes (RAG runs the same code). */
export function defineEmbedAction(connector: string, description: string, embeddings: EmbeddingsCapability) {
  return defineAction({
    description,
    input: embedInputSchema,
    output: embedOutputSchema,
    idempotent: true,
    run: (ctx, input) => runEmbed(connector, embeddings, ctx, input),
  });
}
