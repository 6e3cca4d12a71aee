/**
 * The shared half of an LLM chat call: connection defaults applied, provider errors
 * mapped to our codes, structured output parsed and validated against the requested
 * JSON Schema. Each LLM connector supplies the provider half (a {@link ChatCall}); the
 * `llm` step (src/ai/llm/run.ts) and the connectors' `chat` action run the same code.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { ConnectorError } from './errors.ts';
import { defineAction } from './index.ts';
import type { LlmRequest, LlmResponse } from './llm-contracts.ts';
import { chatInputSchema, chatOutputSchema } from './llm-schemas.ts';
import { toConnectorError } from './provider-errors.ts';
import type { SafeFetch } from './types.ts';

const validators = new AjvJsonSchemaValidator();

/** Config both LLM connectors share. */
export interface LlmConnectionConfig {
  baseUrl?: string | undefined;
  model?: string | undefined;
  defaults?: { temperature?: number | undefined; maxTokens?: number | undefined } | undefined;
  organization?: string | undefined;
}

export interface LlmCallOptions {
  fetch: SafeFetch;
  signal?: AbortSignal | undefined;
}

/** The provider half of a chat call: one request to the provider's API. */
export type ChatCall = (
  config: LlmConnectionConfig,
  secrets: { apiKey?: string | undefined },
  req: LlmRequest,
  opts: LlmCallOptions,
) => Promise<LlmResponse>;

/** One chat call of `connector` through `call` (see the module comment). */
export async function runChat(
  connector: string,
  config: LlmConnectionConfig,
  secrets: { apiKey?: string | undefined },
  request: Omit<LlmRequest, 'model'> & { model?: string | undefined },
  opts: LlmCallOptions,
  call: ChatCall,
): Promise<LlmResponse> {
  const model = request.model ?? config.model;
  if (!model) throw new ConnectorError('CONFIG_INVALID', 'no model: set it on the step or in the connection config');
  const req: LlmRequest = {
    ...request,
    model,
    maxTokens: request.maxTokens ?? config.defaults?.maxTokens,
    temperature: request.temperature ?? config.defaults?.temperature,
  };
  let res: LlmResponse;
  try {
    res = await call(config, secrets, req, opts);
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
export function defineChatAction(connector: string, description: string, call: ChatCall) {
  return defineAction({
    description,
    input: chatInputSchema,
    output: chatOutputSchema,
    idempotent: true,
    run: (ctx, input) =>
      runChat(connector, ctx.config, ctx.secrets, { ...input, messages: input.messages ?? [{ role: 'user', content: input.prompt! }] }, { fetch: ctx.http.fetch, signal: ctx.signal }, call),
  });
}
