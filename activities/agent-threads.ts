/**
 * Thread memory activities of the `agent` step: the stored conversation is read at the
 * step's start and written at its end (src/agents/threads.ts), each an activity, so a
 * replay reads the history, not the table.
 */
import type { LlmMessage } from '../connectors/sdk/llm-contracts.ts';
import { DEFAULT_THREAD_TOKENS, getThread, saveThread, trimThread } from '../src/agents/threads.ts';
import type { Orm } from '../src/db/orm.ts';

export function createAgentThreadActivities(deps: { orm: Orm }) {
  return {
    /** The thread's messages, trimmed to `maxTokens` (empty for a new thread). */
    async loadAgentThread(input: { key: string; maxTokens?: number | undefined }): Promise<LlmMessage[]> {
      const thread = await getThread(deps.orm.em.fork(), input.key);
      return thread ? trimThread(thread.messages, input.maxTokens ?? DEFAULT_THREAD_TOKENS) : [];
    },
    /** Stores the conversation (earlier messages included) as the thread's. */
    async saveAgentThread(input: { key: string; messages: LlmMessage[]; maxTokens?: number | undefined }): Promise<{ tokens: number; messages: number }> {
      const saved = await saveThread(deps.orm.em.fork(), input.key, input.messages, input.maxTokens ?? DEFAULT_THREAD_TOKENS);
      return { tokens: saved.tokens, messages: saved.messages.length };
    },
  };
}
