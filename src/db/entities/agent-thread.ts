import { defineEntity, p } from '@mikro-orm/core';

/**
 * The conversation of an agent thread (`memory.thread` of an `agent` step): the messages,
 * tool calls and results of the runs that used the key, oldest first, trimmed to the
 * step's `memory.maxTokens`. Written by the step's `saveAgentThread` activity at its end.
 */
export const AgentThreadSchema = defineEntity({
  name: 'AgentThread',
  tableName: 'agent_threads',
  properties: {
    key: p.string().length(512).primary(),
    messages: p.json<unknown[]>(),
    /** Estimated tokens of `messages` (≈ 4 characters a token). */
    tokens: p.integer(),
    /** Runs that saved into the thread. */
    runs: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime(),
  },
});
export class AgentThread extends AgentThreadSchema.class {}
AgentThreadSchema.setClass(AgentThread);
