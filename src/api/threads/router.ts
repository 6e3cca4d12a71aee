/**
 * Agent thread memory (`memory.thread` of an `agent` step): read a thread's stored
 * conversation, or forget it (the next run with the key starts a new conversation).
 */
import { z } from 'zod';
import { deleteThread, getThread } from '../../agents/threads.ts';
import type { Services } from '../../services.ts';
import { deleteOne, getOne } from '../http.ts';
import { idString } from '../ids.ts';
import { orNotFound } from '../lookup.ts';

const keyParams = z.object({ key: idString });

const messageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: z.string(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) })).optional(),
    toolCallId: z.string().optional(),
    name: z.string().optional(),
  })
  .meta({ id: 'ThreadMessage' });

const threadSchema = z
  .object({
    key: z.string(),
    messages: z.array(messageSchema).describe('oldest first: prompts, model answers with their tool calls, tool results'),
    tokens: z.number().int().describe('estimated tokens of the messages'),
    runs: z.number().int().describe('agent runs that stored into the thread'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AgentThread' });

export function threadRoutes(services: Services) {
  return [
    getOne({
      path: '/threads/:key',
      summary: "An agent thread's stored conversation",
      description: 'What the next run of an agent step with `memory.thread` equal to the key is given (trimmed to its `memory.maxTokens`).',
      tags: ['threads'],
      scope: 'runs:read',
      params: keyParams,
      noun: 'thread',
      schema: threadSchema,
      load: async ({ key }) => orNotFound(await getThread(services.orm.em.fork(), key), `thread ${key}`),
    }),
    deleteOne({
      path: '/threads/:key',
      summary: 'Forget an agent thread',
      tags: ['threads'],
      scope: 'runs:write',
      params: keyParams,
      noun: 'thread',
      done: 'Forgotten',
      remove: async ({ key }) => {
        orNotFound((await deleteThread(services.orm.em.fork(), key)) || null, `thread ${key}`);
      },
    }),
  ];
}
