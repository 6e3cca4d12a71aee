/**
 * Embeddings through Cohere's v2 API (`POST /v2/embed`): `input_type` search_document
 * or search_query, float vectors. Only embed-v4 models take `output_dimension`.
 */
import type { EmbeddingsCapability } from '../sdk/capabilities.ts';
import { callCohere } from './client.ts';
import { cohereEmbedResponseSchema, type CohereConfig, type CohereSecrets } from './schemas.ts';

/** Vector sizes of Cohere's embedding models (docs.cohere.com/docs/cohere-embed). */
const MODEL_DIMENSIONS: Record<string, readonly number[]> = {
  'embed-v4.0': [256, 512, 1024, 1536],
  'embed-english-v3.0': [1024],
  'embed-multilingual-v3.0': [1024],
  'embed-english-light-v3.0': [384],
  'embed-multilingual-light-v3.0': [384],
};

const takesOutputDimension = (model: string) => model.startsWith('embed-v4');

export const cohereEmbeddings: EmbeddingsCapability<CohereConfig, CohereSecrets> = {
  // Cohere's limit of texts per /v2/embed call.
  maxBatch: 96,
  defaultModel: 'embed-v4.0',
  dimensions: (model) => MODEL_DIMENSIONS[model],
  async embed(ctx, req) {
    const body = {
      model: req.model,
      texts: req.texts,
      input_type: req.inputType === 'query' ? 'search_query' : 'search_document',
      embedding_types: ['float'],
      ...(req.dimensions !== undefined && takesOutputDimension(req.model) ? { output_dimension: req.dimensions } : {}),
    };
    const res = await callCohere(ctx, '/v2/embed', body, cohereEmbedResponseSchema);
    return { vectors: res.embeddings.float, model: req.model, usage: { inputTokens: res.meta?.billed_units?.input_tokens ?? 0 } };
  },
};
