/** The `llm` step on the official `openai` SDK (OpenAI and every compatible server). */
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { LlmMessage, LlmRequest, LlmResponse } from '../sdk/llm-contracts.ts';
import type { LlmCapability } from '../sdk/capabilities.ts';
import { toWireChatMessages } from '../sdk/llm.ts';
import { createOpenAiClient } from './client.ts';
import type { OpenAiConfig, OpenAiSecrets } from './schemas.ts';

/** OpenAI chat messages: an assistant's text beside its tool calls is its `content` (null when empty). */
function toOpenAiMessages(system: string | undefined, messages: LlmMessage[]): ChatCompletionMessageParam[] {
  return toWireChatMessages(system, messages, (content) => ({ content: content || null })) as unknown as ChatCompletionMessageParam[];
}

export async function chatOpenAi(client: OpenAI, req: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
  const tools: ChatCompletionTool[] | undefined = req.tools?.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  const res = await client.chat.completions.create(
    {
      model: req.model,
      messages: toOpenAiMessages(req.system, req.messages),
      ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(tools?.length ? { tools } : {}),
      ...(req.output ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'output', schema: req.output, strict: false } } } : {}),
    },
    signal ? { signal } : undefined,
  );
  const choice = res.choices[0];
  const calls = (choice?.message.tool_calls ?? []).flatMap((c) =>
    c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: parseArgs(c.function.arguments) }] : [],
  );
  return {
    text: choice?.message.content ?? undefined,
    ...(calls.length ? { toolCalls: calls } : {}),
    usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
    model: res.model,
    finishReason: choice?.finish_reason ?? 'unknown',
  };
}

function parseArgs(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { _raw: text };
  }
}

/** The provider half of the `chat` action and the `llm` step (see connectors/sdk/llm.ts). */
export const openAiLlm: LlmCapability<OpenAiConfig, OpenAiSecrets> = {
  chat: async (ctx, req) =>
    chatOpenAi(await createOpenAiClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, organization: ctx.config.organization, fetch: ctx.http.fetch }), req, ctx.signal),
};
