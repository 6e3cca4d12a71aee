import { defineConnector } from '../sdk/index.ts';
import { defineChatAction } from '../sdk/llm.ts';
import { toConnectorError } from '../sdk/provider-errors.ts';
import { anthropicLlm } from './chat.ts';
import { createAnthropicClient } from './client.ts';
import { anthropicConfigSchema, anthropicSecretsSchema } from './schemas.ts';

/** Anthropic Messages API: chat with structured output (forced tool) and tool use. */
export default defineConnector({
  key: 'anthropic',
  displayName: 'Anthropic',
  version: '1.0.0',
  description: 'Claude models through the Messages API',
  config: anthropicConfigSchema,
  secrets: anthropicSecretsSchema,
  actions: {
    chat: defineChatAction('anthropic', 'One message exchange (the llm step uses the same code)', anthropicLlm),
  },
  capabilities: { llm: anthropicLlm },
  /** `GET /v1/models?limit=1`: authenticated, free, and no tokens spent. */
  async test(ctx) {
    if (!ctx.secrets.apiKey) return { ok: false, message: 'the anthropic connection has no apiKey' };
    const client = await createAnthropicClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, apiVersion: ctx.config.apiVersion, fetch: ctx.http.fetch, timeoutMs: 15_000 });
    try {
      const page = await client.models.list({ limit: 1 }, { signal: ctx.signal });
      const first = page.data[0];
      return { ok: true, message: first ? `API key accepted (models include ${first.id})` : 'API key accepted' };
    } catch (err) {
      const failure = toConnectorError(err, 'anthropic GET /v1/models');
      if (failure.code !== 'AUTH_FAILED') throw failure;
      // The SDK's APIError keeps Anthropic's body: { type: 'error', error: { type, message } }.
      const detail = (err as { error?: { error?: { type?: unknown; message?: unknown } } }).error?.error;
      const reason = typeof detail?.message === 'string' ? ` ${typeof detail.type === 'string' ? `${detail.type}: ` : ''}${detail.message}` : '';
      return { ok: false, message: `Anthropic rejected the API key (401${reason})` };
    }
  },
});
