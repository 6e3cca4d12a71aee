import { defineConnector } from '../sdk/index.ts';
import { defineChatAction } from '../sdk/llm.ts';
import { llmConfigSchema, llmSecretsSchema } from '../sdk/llm-schemas.ts';
import { openAiChatCall } from './chat.ts';
import { createOpenAiClient } from './client.ts';

/** OpenAI and any OpenAI-compatible server (`config.baseUrl`): chat and embeddings. */
export default defineConnector({
  key: 'openai',
  displayName: 'OpenAI (and compatible)',
  version: '1.0.0',
  description: 'Chat completions with structured output, tool use and embeddings; any OpenAI-compatible endpoint through baseUrl',
  config: llmConfigSchema,
  secrets: llmSecretsSchema,
  actions: {
    chat: defineChatAction('openai', 'One chat completion (the llm step uses the same code)', openAiChatCall),
  },
  async test(ctx) {
    const client = createOpenAiClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, fetch: ctx.http.fetch });
    const models = await client.models.list();
    return { ok: true, message: `${models.data.length} models available` };
  },
});
