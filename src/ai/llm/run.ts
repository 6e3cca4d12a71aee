/**
 * One chat call of the `llm` step against an `openai` or `anthropic` connection. The
 * shared logic (defaults, error mapping, structured output) is the SDK's runChat
 * (connectors/sdk/llm.ts); each connector supplies its provider call.
 */
import { anthropicChatCall } from '../../../connectors/anthropic/chat.ts';
import { openAiChatCall } from '../../../connectors/openai/chat.ts';
import { ConnectorError } from '../../../connectors/sdk/errors.ts';
import { runChat, type ChatCall, type LlmCallOptions, type LlmConnectionConfig } from '../../../connectors/sdk/llm.ts';
import type { LlmRequest, LlmResponse } from './types.ts';

export type { LlmConnectionConfig } from '../../../connectors/sdk/llm.ts';

export const LLM_CONNECTORS = ['openai', 'anthropic'] as const;

const CHAT_CALLS: Record<(typeof LLM_CONNECTORS)[number], ChatCall> = { openai: openAiChatCall, anthropic: anthropicChatCall };

export async function runLlm(
  connector: string,
  config: LlmConnectionConfig,
  secrets: { apiKey?: string | undefined },
  request: Omit<LlmRequest, 'model'> & { model?: string | undefined },
  opts: LlmCallOptions,
): Promise<LlmResponse> {
  const call: ChatCall =
    CHAT_CALLS[connector as keyof typeof CHAT_CALLS] ??
    (() => {
      throw new ConnectorError('CONFIG_INVALID', `connection is a ${connector} connection; the llm step needs openai or anthropic`);
    });
  return runChat(connector, config, secrets, request, opts, call);
}
