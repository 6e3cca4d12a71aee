/**
 * One chat call of the `llm` step against an `openai` or `anthropic` connection:
 * connection defaults applied, provider errors mapped to our codes, structured output
 * parsed and validated against the requested JSON Schema.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { createAnthropicClient } from '../../../connectors/anthropic/client.ts';
import { createOpenAiClient } from '../../../connectors/openai/client.ts';
import { ConnectorError } from '../../../connectors/sdk/errors.ts';
import type { SafeFetch } from '../../../connectors/sdk/types.ts';
import { toConnectorError } from '../provider-errors.ts';
import { chatAnthropic } from './anthropic.ts';
import { chatOpenAi } from './openai.ts';
import type { LlmRequest, LlmResponse } from './types.ts';

const validators = new AjvJsonSchemaValidator();

/** Config both LLM connectors share. */
export interface LlmConnectionConfig {
  baseUrl?: string | undefined;
  model?: string | undefined;
  defaults?: { temperature?: number | undefined; maxTokens?: number | undefined } | undefined;
  organization?: string | undefined;
}

export const LLM_CONNECTORS = ['openai', 'anthropic'] as const;

export async function runLlm(
  connector: string,
  config: LlmConnectionConfig,
  secrets: { apiKey?: string | undefined },
  request: Omit<LlmRequest, 'model'> & { model?: string | undefined },
  opts: { fetch: SafeFetch; signal?: AbortSignal | undefined },
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
    if (connector === 'openai') {
      const client = createOpenAiClient({ apiKey: secrets.apiKey, baseUrl: config.baseUrl, organization: config.organization, fetch: opts.fetch });
      res = await chatOpenAi(client, req, opts.signal);
    } else if (connector === 'anthropic') {
      if (!secrets.apiKey) throw new ConnectorError('CONFIG_INVALID', 'the anthropic connection has no apiKey');
      const client = createAnthropicClient({ apiKey: secrets.apiKey, baseUrl: config.baseUrl, fetch: opts.fetch });
      res = await chatAnthropic(client, req, opts.signal);
    } else {
      throw new ConnectorError('CONFIG_INVALID', `connection is a ${connector} connection; the llm step needs openai or anthropic`);
    }
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
