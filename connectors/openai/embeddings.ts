/** Embeddings through `POST /embeddings` of OpenAI or any compatible server. */
import type { EmbeddingsCapability } from '../sdk/capabilities.ts';
import { ConnectorError } from '../sdk/errors.ts';
import { createOpenAiClient } from './client.ts';
import type { OpenAiConfig, OpenAiSecrets } from './schemas.ts';

export const openAiEmbeddings: EmbeddingsCapability<OpenAiConfig, OpenAiSecrets> = {
  maxBatch: 96,
  defaultModel: 'text-embedding-3-small',
  async embed(ctx, req) {
    const client = await createOpenAiClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, organization: ctx.config.organization, fetch: ctx.http.fetch });
    const res = await client.embeddings.create(
      { model: req.model, input: req.texts, encoding_format: 'float', ...(req.dimensions !== undefined ? { dimensions: req.dimensions } : {}) },
      { signal: ctx.signal },
    );
    const sorted = [...res.data].sort((a, b) => a.index - b.index);
    if (sorted.length !== req.texts.length) throw new ConnectorError('UPSTREAM_5XX', `openai returned ${sorted.length} embeddings for ${req.texts.length} texts`);
    return { vectors: sorted.map((d) => d.embedding), model: res.model, usage: { inputTokens: res.usage?.prompt_tokens ?? 0 } };
  },
};
