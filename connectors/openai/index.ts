import { defineEmbedAction } from '../sdk/embeddings.ts';
import { defineConnector } from '../sdk/index.ts';
import { defineChatAction } from '../sdk/llm.ts';
import { openAiLlm } from './chat.ts';
import { createOpenAiClient } from './client.ts';
import { openAiEmbeddings } from './embeddings.ts';
import { openAiConfigSchema, openAiSecretsSchema } from './schemas.ts';

/** OpenAI and any OpenAI-compatible server (`config.baseUrl`): chat and embeddings. */
export default defineConnector({
  key: 'openai',
  displayName: 'OpenAI (and compatible)',
  version: '1.0.0',
  description: 'Chat completions with structured output, tool use and embeddings; any OpenAI-compatible endpoint through baseUrl',
  config: openAiConfigSchema,
  secrets: openAiSecretsSchema,
  actions: {
    chat: defineChatAction('openai', 'One chat completion (the llm step uses the same code)', openAiLlm),
    embed: defineEmbedAction('openai', 'Embed texts (RAG indexes use the same code)', openAiEmbeddings),
  },
  capabilities: { llm: openAiLlm, embeddings: openAiEmbeddings },
  async test(ctx) {
    const client = await createOpenAiClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, organization: ctx.config.organization, fetch: ctx.http.fetch });
    const models = await client.models.list();
    return { ok: true, message: `${models.data.length} models available` };
  },
});
