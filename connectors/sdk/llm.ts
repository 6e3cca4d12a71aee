/**
 * The shared half of an LLM chat call: connection defaults applied, provider errors
 * mapped to our codes, structured output parsed and validated against the requested
 * JSON Schema. Each LLM connector supplies the provider half (its
 * {@link LlmCapability}); the `llm` step (src/ai/llm/run.ts) and the connectors'
 * `chat` action run the same code.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { LlmCapability, ProviderContext } from './capabilities.ts';
import { ConnectorError } from './errors.ts';
import { defineAction } from './index.ts';
import type { LlmMessage, LlmRequest, LlmResponse } from './llm-contracts.ts';
import { chatInputSchema, chatOutputSchema } from './llm-schemas.ts';
import { toConnectorError } from './provider-errors.ts';

const validators = new AjvJsonSchemaValidator();

/**
 * Messages in the OpenAI-style chat wire shape most providers share: the system prompt first,
 * tool results by `tool_call_id`, an assistant's tool calls as `function` calls with JSON
 * arguments. `assistantText` says where an assistant's text goes beside its tool calls.
 */
export function toWireChatMessages(system: string | undefined, messages: LlmMessage[], assistantText: (content: string) => Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    if (m.role === 'tool') out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        ...assistantText(m.content),
        tool_calls: m.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.arguments) } })),
      });
    } else out.push({ role: m.role, content: m.content });
  }
  return out;
}

/** Config fields `runChat` applies when a connector's config has them. */
export interface LlmConnectionConfig {
  model?: string | undefined;
  defaults?: { temperature?: number | undefined; maxTokens?: number | undefined } | undefined;
}

/** A chat request whose model may still come from the connection. */
export type ChatRequest = Omit<LlmRequest, 'model'> & { model?: string | undefined };

/** One chat call of `connector` through its `llm` capability (see the module comment). */
export async function runChat(connector: string, llm: LlmCapability, ctx: ProviderContext, request: ChatRequest): Promise<LlmResponse> {
  const config = (ctx.config ?? {}) as LlmConnectionConfig;
  const model = request.model ?? config.model ?? llm.defaultModel;
  if (!model) throw new ConnectorError('CONFIG_INVALID', 'no model: set it on the step or in the connection config');
  const req: LlmRequest = {
    ...request,
    model,
    maxTokens: request.maxTokens ?? config.defaults?.maxTokens,
    temperature: request.temperature ?? config.defaults?.temperature,
  };
  let res: LlmResponse;
  try {
    res = await llm.chat(ctx, req);
  } catch (err) {
    throw toConnectorError(err, `${connector} model ${model}`);
  }
  if (req.output && !res.toolCalls?.length) {
    let object = res.object;
    if (object === undefined) {
      try {
        object = JSON.parse(res.text ?? '');
      } catch {
        throw new ConnectorError('UPSTREAM_5XX', `model ${res.model} did not answer with JSON for the requested output schema`);
      }
    }
    const check = validators.getValidator(req.output as never)(object);
    if (!check.valid) throw new ConnectorError('UPSTREAM_5XX', `model ${res.model} answered JSON that does not match the output schema: ${check.errorMessage}`);
    return { ...res, object, text: undefined };
  }
  return res;
}

/** The `chat` action every LLM connector exposes (the llm step runs the same code). */
export function defineChatAction(connector: string, description: string, llm: LlmCapability) {
  return defineAction({
    description,
    input: chatInputSchema,
    output: chatOutputSchema,
    idempotent: true,
    run: (ctx, input) => runChat(connector, llm, ctx, { ...input, messages: input.messages ?? [{ role: 'user', content: input.prompt! }] }),
  });
}
