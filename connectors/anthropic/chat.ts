/**
 * The `llm` step on the official `@anthropic-ai/sdk`. Structured output is a forced
 * tool call whose input schema is the requested JSON Schema.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { LlmMessage, LlmRequest, LlmResponse } from '../sdk/llm-contracts.ts';
import { ConnectorError } from '../sdk/errors.ts';
import type { LlmCapability } from '../sdk/capabilities.ts';
import { createAnthropicClient } from './client.ts';
import type { AnthropicConfig, AnthropicSecrets } from './schemas.ts';

const OUTPUT_TOOL = 'structured_output';

type AnthropicMessage = Anthropic.Messages.MessageParam;

function toAnthropicMessages(messages: LlmMessage[]): { system: string[]; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') system.push(m.content);
    else if (m.role === 'tool') out.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }] });
    else if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...m.toolCalls.map((t) => ({ type: 'tool_use' as const, id: t.id, name: t.name, input: t.arguments }))],
      });
    } else out.push({ role: m.role as 'user' | 'assistant', content: m.content });
  }
  return { system, messages: out };
}

export async function chatAnthropic(client: Anthropic, req: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
  const { system, messages } = toAnthropicMessages(req.messages);
  const tools: Anthropic.Messages.Tool[] = (req.tools ?? []).map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters as Anthropic.Messages.Tool.InputSchema }));
  if (req.output) tools.push({ name: OUTPUT_TOOL, description: 'Answer with an object matching this schema.', input_schema: req.output as Anthropic.Messages.Tool.InputSchema });
  const res = await client.messages.create(
    {
      model: req.model,
      max_tokens: req.maxTokens ?? 1024,
      messages,
      ...(req.system || system.length ? { system: [req.system, ...system].filter(Boolean).join('\n\n') } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(tools.length ? { tools } : {}),
      ...(req.output && !req.tools?.length ? { tool_choice: { type: 'tool' as const, name: OUTPUT_TOOL } } : {}),
    },
    signal ? { signal } : undefined,
  );
  let text = '';
  let object: unknown;
  const toolCalls: LlmResponse['toolCalls'] = [];
  for (const block of res.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      if (block.name === OUTPUT_TOOL) object = block.input;
      else toolCalls.push({ id: block.id, name: block.name, arguments: block.input as Record<string, unknown> });
    }
  }
  return {
    text: text || undefined,
    ...(object !== undefined ? { object } : {}),
    ...(toolCalls.length ? { toolCalls } : {}),
    usage: { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens },
    model: res.model,
    finishReason: object !== undefined ? 'stop' : (res.stop_reason ?? 'unknown'),
  };
}

/** The provider half of the `chat` action and the `llm` step (see connectors/sdk/llm.ts). */
export const anthropicLlm: LlmCapability<AnthropicConfig, AnthropicSecrets> = {
  async chat(ctx, req) {
    if (!ctx.secrets.apiKey) throw new ConnectorError('CONFIG_INVALID', 'the anthropic connection has no apiKey');
    return chatAnthropic(await createAnthropicClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, apiVersion: ctx.config.apiVersion, fetch: ctx.http.fetch }), req, ctx.signal);
  },
};
