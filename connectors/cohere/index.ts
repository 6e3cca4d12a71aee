import { z } from 'zod';
import { defineEmbedAction } from '../sdk/embeddings.ts';
import { defineConnector } from '../sdk/index.ts';
import { defineChatAction } from '../sdk/llm.ts';
import { cohereLlm } from './chat.ts';
import { callCohere } from './client.ts';
import { cohereEmbeddings } from './embeddings.ts';
import { cohereConfigSchema, cohereSecretsSchema } from './schemas.ts';

/** Cohere (v2 API): chat with tools and structured output, and embeddings. */
export default defineConnector({
  key: 'cohere',
  displayName: 'Cohere',
  version: '1.0.0',
  description: 'Command models through the v2 Chat API (tools, JSON output) and Embed models for RAG',
  config: cohereConfigSchema,
  secrets: cohereSecretsSchema,
  actions: {
    chat: defineChatAction('cohere', 'One chat call (the llm step uses the same code)', cohereLlm),
    embed: defineEmbedAction('cohere', 'Embed texts (RAG indexes use the same code)', cohereEmbeddings),
  },
  capabilities: { llm: cohereLlm, embeddings: cohereEmbeddings },
  /** `POST /v1/check-api-key`: Cohere's documented key check; free, no tokens spent. */
  async test(ctx) {
    const res = await callCohere(ctx, '/v1/check-api-key', {}, z.object({ valid: z.boolean(), organization_id: z.string().optional() }));
    return res.valid ? { ok: true, message: `API key accepted${res.organization_id ? ` (organization ${res.organization_id})` : ''}` } : { ok: false, message: 'Cohere reports the API key as not valid' };
  },
});
