/**
 * One chat call of the `llm` step against any connection whose connector provides
 * `llm` (connectors/sdk/capabilities.ts). The shared logic (defaults, error mapping,
 * structured output) is the SDK's runChat (connectors/sdk/llm.ts); the connector
 * supplies the provider call.
 */
import type { EntityManager } from '@mikro-orm/core';
import { runChat, type ChatRequest } from '../../../connectors/sdk/llm.ts';
import { providerOf, scrubbingSecrets, type ProviderDeps } from '../providers.ts';
import type { LlmResponse } from '../../../connectors/sdk/llm-contracts.ts';

/** `connection`: the id or the name of the connection (a step may name it either way). */
export async function runLlm(deps: ProviderDeps, em: EntityManager, connection: string, request: ChatRequest, signal: AbortSignal): Promise<LlmResponse> {
  const provider = await providerOf(deps, em, connection, 'llm', 'the llm step', signal, { byName: true });
  return scrubbingSecrets(provider.redactor, () => runChat(provider.connector, provider.capability, provider.ctx, request));
}
