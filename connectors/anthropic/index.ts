import { defineConnector } from '../sdk/index.ts';
import { defineChatAction } from '../../src/ai/llm/chat-action.ts';
import { llmConfigSchema, llmSecretsSchema } from '../../src/ai/llm/schemas.ts';

/** Anthropic Messages API: chat with structured output (forced tool) and tool use. */
export default defineConnector({
  key: 'anthropic',
  displayName: 'Anthropic',
  version: '1.0.0',
  description: 'Claude models through the Messages API',
  config: llmConfigSchema,
  secrets: llmSecretsSchema,
  actions: {
    chat: defineChatAction('anthropic', 'One message exchange (the llm step uses the same code)'),
  },
});
