/** The `llm` step on the official `openai` SDK (OpenAI and every compatible server). */
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { LlmMessage, LlmRequest, LlmResponse } from '../sdk/llm-contracts.ts';
import type { LlmCapability } from '../sdk/capabilities.ts';
import { createOpenAiClient } from './client.ts';
import type { OpenAiConfig, OpenAiSecrets } from './schemas.ts';

function toOpenAiMessages(system: string | undefined, messages: LlmMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    if (m.role === 'tool') out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: JSON.stringify(t.arguments) } })),
      });
    } else out.push({ role: m.role, content: m.content } as ChatCompletionMessageParam);
  }
  return out;
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
  chat: (ctx, req) =>
    chatOpenAi(createOpenAiClient({ apiKey: ctx.secrets.apiKey, baseUrl: ctx.config.baseUrl, organization: ctx.config.organization, fetch: ctx.http.fetch }), req, ctx.signal),
};
