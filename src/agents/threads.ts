/**
 * Agent thread memory (`memory.thread` of an `agent` step): the stored conversation per
 * thread key, read by the step's first activity and written at its end, shown and
 * deleted by the threads API. Trimmed oldest-first to the step's `memory.maxTokens`,
 * always starting at a user message so no tool result loses its call.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { LlmMessage } from '../../connectors/sdk/llm-contracts.ts';
import { AgentThread } from '../db/entities/index.ts';

/** Default `memory.maxTokens`. */
export const DEFAULT_THREAD_TOKENS = 8000;

const tokensOf = (messages: readonly LlmMessage[]): number => Math.ceil(JSON.stringify(messages).length / 4);

/** The newest messages within `maxTokens`, starting at a user message (empty if none fits). */
export function trimThread(messages: readonly LlmMessage[], maxTokens: number): LlmMessage[] {
  let start = 0;
  while (start < messages.length && (tokensOf(messages.slice(start)) > maxTokens || messages[start]!.role !== 'user')) start++;
  return messages.slice(start);
}

export interface ThreadView {
  key: string;
  messages: LlmMessage[];
  tokens: number;
  runs: number;
  createdAt: string;
  updatedAt: string;
}

const view = (t: AgentThread): ThreadView => ({
  key: t.key,
  messages: t.messages as LlmMessage[],
  tokens: t.tokens,
  runs: t.runs,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export async function getThread(em: EntityManager, key: string): Promise<ThreadView | null> {
  const row = await em.findOne(AgentThread, { key });
  return row ? view(row) : null;
}

/** Replaces the thread's conversation with `messages`, trimmed to `maxTokens`. */
export async function saveThread(em: EntityManager, key: string, messages: readonly LlmMessage[], maxTokens: number): Promise<ThreadView> {
  const kept = trimThread(messages, maxTokens);
  const now = new Date();
  const row = await em.findOne(AgentThread, { key });
  if (row) {
    row.messages = kept;
    row.tokens = tokensOf(kept);
    row.runs += 1;
    row.updatedAt = now;
    await em.flush();
    return view(row);
  }
  const created = em.create(AgentThread, { key, messages: kept, tokens: tokensOf(kept), runs: 1, createdAt: now, updatedAt: now });
  await em.flush();
  return view(created);
}

/** Forgets a thread; false when there was none. */
export async function deleteThread(em: EntityManager, key: string): Promise<boolean> {
  return (await em.nativeDelete(AgentThread, { key })) > 0;
}
