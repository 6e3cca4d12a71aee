/**
 * Pure parts of the `agent` step: its definition schema (tool kinds, approvers,
 * maxRounds, budgets), the price table and thread trimming.
 */
import { describe, expect, it } from 'vitest';
import { costOf, llmPricingSchema, priceOf } from '../../connectors/sdk/llm-pricing.ts';
import type { DefinitionError } from '../../src/errors.ts';
import { parseDefinition } from '../../src/automations/definition.ts';
import { trimThread } from '../../src/agents/threads.ts';
import type { LlmMessage } from '../../connectors/sdk/llm-contracts.ts';

const agent = (extra: Record<string, unknown>) => ({ name: 'a', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'agent', connection: 'c', prompt: 'hi', ...extra }] });
const issues = (doc: unknown): { path: string; message: string }[] => {
  try {
    parseDefinition(doc);
    return [];
  } catch (err) {
    return (err as DefinitionError).issues;
  }
};

describe('agent step definition', () => {
  it('accepts every tool kind with approval, caps and descriptions', () => {
    const tools = [
      { connection: 'jira', action: 'create_issue', requireApproval: true, approvers: ['lead'], approvalTimeout: '2h' },
      { mcpServer: 'gh', tool: 'search', maxCalls: 3 },
      { rag: 'runbooks', topK: 4, description: 'our runbooks' },
      { automation: 'aut_1' },
    ];
    expect(issues(agent({ tools, maxRounds: 50, memory: { thread: '{{ input.t }}', maxTokens: 500 }, budget: { maxTokens: 10, maxCost: 0 }, output: { type: 'object' } }))).toEqual([]);
  });

  it('refuses maxRounds out of range, approvers without requireApproval, negative maxCost and unknown fields', () => {
    expect(issues(agent({ maxRounds: 0 }))[0]!.path).toBe('steps.0.maxRounds');
    expect(issues(agent({ maxRounds: 51 }))[0]!.path).toBe('steps.0.maxRounds');
    expect(issues(agent({ tools: [{ connection: 'j', action: 'x', approvers: ['lead'] }] }))[0]).toMatchObject({ path: 'steps.0.tools', message: 'approvers need requireApproval: true' });
    expect(issues(agent({ budget: { maxCost: -1 } }))[0]).toMatchObject({ path: 'steps.0.budget.maxCost', message: 'maxCost cannot be negative' });
    expect(issues(agent({ tools: [{ rag: 'x', action: 'y' }] }))).not.toEqual([]);
    expect(issues(agent({ memory: { thread: 't', maxTokens: 10 } }))[0]!.path).toBe('steps.0.memory.maxTokens');
  });

  it('takes groups as approvers and the approval step\'s notify channels on a tool that needs approval', () => {
    const notify = [{ slack: { connection: 'slack', channel: '#ops' } }, { email: { connection: 'smtp' } }];
    expect(issues(agent({ tools: [{ connection: 'j', action: 'x', requireApproval: true, approvers: ['group:ops', 'lead'], notify }] }))).toEqual([]);
    expect(issues(agent({ tools: [{ connection: 'j', action: 'x', notify: notify.slice(0, 1) }] }))).toEqual([expect.objectContaining({ path: 'steps.0.tools.0.notify', message: 'notify needs requireApproval: true' })]);
    // As on the approval step: named approvers are mailed at their principal email, `to` is for tools that name none.
    expect(issues(agent({ tools: [{ connection: 'j', action: 'x', requireApproval: true, approvers: ['lead'], notify: [{ email: { connection: 'smtp', to: 'a@example.com' } }] }] }))[0]!.path).toBe('steps.0.tools.0.notify.0.email.to');
    expect(issues(agent({ tools: [{ connection: 'j', action: 'x', requireApproval: true, notify: [{ email: { connection: 'smtp' } }] }] }))[0]!.path).toBe('steps.0.tools.0.notify.0.email.to');
    expect(issues(agent({ tools: [{ connection: 'j', action: 'x', requireApproval: true, notify: [{ teams: {} }] }] }))).not.toEqual([]);
  });

  it('summarises memory past a size in tokens or messages, below the thread\'s maxTokens', () => {
    expect(issues(agent({ memory: { thread: 't', summarize: { afterMessages: 6, keepMessages: 2, maxTokens: 200 } } }))).toEqual([]);
    expect(issues(agent({ memory: { thread: 't', maxTokens: 4000, summarize: { afterTokens: 3000 } } }))).toEqual([]);
    expect(issues(agent({ memory: { thread: 't', summarize: {} } }))[0]).toMatchObject({ path: 'steps.0.memory.summarize', message: 'summarize needs afterTokens, afterMessages or both' });
    expect(issues(agent({ memory: { thread: 't', maxTokens: 4000, summarize: { afterTokens: 4000 } } }))[0]!.path).toBe('steps.0.memory.summarize.afterTokens');
    expect(issues(agent({ memory: { thread: 't', summarize: { afterMessages: 1 } } }))[0]!.path).toBe('steps.0.memory.summarize.afterMessages');
  });
});

describe('model prices', () => {
  it('prefers the connection table, falls back to the built-in one, matches dated ids to their alias', () => {
    const pricing = llmPricingSchema.parse({ models: { 'gpt-4o': { input: 1, output: 2 } } });
    expect(priceOf('openai', 'gpt-4o', pricing)).toEqual({ currency: 'USD', input: 1, output: 2 });
    expect(priceOf('openai', 'gpt-4o-mini', pricing)).toEqual({ currency: 'USD', input: 0.15, output: 0.6 });
    expect(priceOf('openai', 'gpt-4o-2024-08-06', undefined)).toEqual({ currency: 'USD', input: 2.5, output: 10 });
    expect(priceOf('anthropic', 'claude-sonnet-4-5-20250929', undefined)).toEqual({ currency: 'USD', input: 3, output: 15 });
    expect(priceOf('openai', 'my-local-llama', undefined)).toBeUndefined();
    expect(priceOf('cohere', 'command-r', undefined)).toBeUndefined();
  });

  it('prices a call per 1M tokens and refuses negative prices', () => {
    expect(costOf({ currency: 'EUR', input: 2.5, output: 10 }, { inputTokens: 1000, outputTokens: 200 })).toBe(0.0045);
    const bad = llmPricingSchema.safeParse({ currency: 'EUR', models: { x: { input: -0.1, output: 1 } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['models', 'x', 'input'], message: 'a price cannot be negative' });
    expect(llmPricingSchema.safeParse({ currency: 'euro', models: {} }).success).toBe(false);
  });
});

describe('thread trimming', () => {
  const exchange = (n: number): LlmMessage[] => [
    { role: 'user', content: `question ${n} ${'x'.repeat(100)}` },
    { role: 'assistant', content: '', toolCalls: [{ id: `c${n}`, name: 'tool', arguments: {} }] },
    { role: 'tool', toolCallId: `c${n}`, name: 'tool', content: 'result' },
    { role: 'assistant', content: `answer ${n}` },
  ];
  const all = [...exchange(1), ...exchange(2), ...exchange(3)];

  it('keeps everything that fits', () => {
    expect(trimThread(all, 100_000)).toEqual(all);
  });

  it('drops the oldest messages first and starts at a user message, never at a tool result', () => {
    const kept = trimThread(all, 150);
    expect(kept[0]!.role).toBe('user');
    expect(kept.at(-1)).toEqual({ role: 'assistant', content: 'answer 3' });
    expect(kept.length).toBeLessThan(all.length);
    expect(Math.ceil(JSON.stringify(kept).length / 4)).toBeLessThanOrEqual(150);
    expect(trimThread(all, 1)).toEqual([]);
  });
});
