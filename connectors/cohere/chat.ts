/**
 * Chat through Cohere's v2 API (`POST /v2/chat`): messages, tools, structured output as
 * `response_format: { type: "json_object", json_schema }`, token usage and tool calls.
 */
import type { z } from 'zod';
import type { LlmCapability } from '../sdk/capabilities.ts';
import { toWireChatMessages } from '../sdk/llm.ts';
import type { LlmMessage, LlmRequest, LlmResponse } from '../sdk/llm-contracts.ts';
import { callCohere } from './client.ts';
import { cohereChatResponseSchema, type CohereConfig, type CohereSecrets } from './schemas.ts';

type CohereMessage = Record<string, unknown>;

/** Cohere's finish reasons in the names the other providers use. */
const FINISH_REASONS: Record<string, string> = { COMPLETE: 'stop', STOP_SEQUENCE: 'stop', MAX_TOKENS: 'length', TOOL_CALL: 'tool_calls' };

/** Cohere v2 messages: an assistant's text beside its tool calls is its `tool_plan`. */
function toCohereMessages(system: string | undefined, messages: LlmMessage[]): CohereMessage[] {
  return toWireChatMessages(system, messages, (content) => (content ? { tool_plan: content } : {}));
}

/** The `/v2/chat` request body of `req`. */
export function cohereChatBody(req: LlmRequest): Record<string, unknown> {
  const tools = req.tools?.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  return {
    model: req.model,
    messages: toCohereMessages(req.system, req.messages),
    stream: false,
    ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(tools?.length ? { tools } : {}),
    // Cohere does not combine JSON mode with tools; the final answer is still validated.
    ...(req.output && !tools?.length ? { response_format: { type: 'json_object', json_schema: req.output } } : {}),
  };
}

function parseArgs(text: string | undefined): Record<string, unknown> {
  try {
    const v = JSON.parse(text || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { _raw: text };
  }
}

export function fromCohereChat(res: z.infer<typeof cohereChatResponseSchema>, model: string): LlmResponse {
  const text = (res.message.content ?? []).flatMap((c) => (c.type === 'text' && c.text !== undefined ? [c.text] : [])).join('');
  const toolCalls = (res.message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: parseArgs(c.function.arguments) }));
  // `tokens` is what the model processed; `billed_units` what was charged (the fallback).
  const counted = res.usage?.tokens ?? res.usage?.billed_units;
  return {
    // With tool calls, the plan is the assistant's text: it goes back as `tool_plan` next round.
    text: text || (toolCalls.length ? res.message.tool_plan : undefined) || undefined,
    ...(toolCalls.length ? { toolCalls } : {}),
    usage: { inputTokens: counted?.input_tokens ?? 0, outputTokens: counted?.output_tokens ?? 0 },
    model,
    finishReason: FINISH_REASONS[res.finish_reason] ?? res.finish_reason.toLowerCase(),
  };
}

export const cohereLlm: LlmCapability<CohereConfig, CohereSecrets> = {
  defaultModel: 'command-a-03-2025',
  async chat(ctx, req) {
    const res = await callCohere(ctx, '/v2/chat', cohereChatBody(req), cohereChatResponseSchema);
    return fromCohereChat(res, req.model);
  },
};
