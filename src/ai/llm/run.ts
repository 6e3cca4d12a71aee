/**
 * One chat call of the `llm` step against any connection whose connector provides
 * `llm` (connectors/sdk/capabilities.ts). The shared logic (defaults, error mapping,
 * structured output) is the SDK's runChat (connectors/sdk/llm.ts); the connector
 * supplies the provider call.
 */
import type { EntityManager } from '@mikro-orm/core';
import { runChat, type ChatRequest } from '../../../connectors/sdk/llm.ts';
import { providerOf, scrubbingSecrets, type ProviderDeps } from '../providers.ts';
import type { LlmResponse } from './types.ts';

export async function runLlm(deps: ProviderDeps, em: EntityManager, connectionId: string, request: ChatRequest, signal: AbortSignal): Promise<LlmResponse> {
  const provider = await providerOf(deps, em, connectionId, 'llm', 'the llm step', signal);
  return scrubbingSecrets(provider.redactor, () => runChat(provider.connector, provider.capability, provider.ctx, request));
}
