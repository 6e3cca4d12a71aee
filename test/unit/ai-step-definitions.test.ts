/** The AI step types in the automation definition language: accepted shapes and the problems reported. */
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/automations/definition.ts';
import { DefinitionError } from '../../src/errors.ts';

const def = (steps: unknown[], budget?: unknown) => ({ name: 'ai', trigger: { type: 'manual' }, steps, ...(budget ? { budget } : {}) });
const problems = (doc: unknown): string[] => {
  try {
    parseDefinition(doc);
    return [];
  } catch (err) {
    if (err instanceof DefinitionError) return err.problems;
    throw err;
  }
};

describe('AI step definitions', () => {
  it('accepts llm, rag_retrieve and mcp_tool steps with templates and a run token budget', () => {
    const parsed = parseDefinition(
      def(
        [
          { id: 'r', type: 'rag_retrieve', index: 'kb', query: '{{ input.q }}', topK: 3, filter: { team: 'sre' } },
          {
            id: 'l',
            type: 'llm',
            connection: 'conn_1',
            system: 'Be brief.',
            prompt: '{{ $join(steps.r.output.results.text, " ") }}',
            output: { type: 'object', properties: { a: { type: 'string' } } },
            tools: [{ mcpServer: 'mcp_1', tool: 'add' }, { connection: 'conn_2', action: 'send_message' }],
            budget: { maxTokens: 500 },
            retry: { maxAttempts: 2 },
          },
          { id: 'm', type: 'mcp_tool', server: 'mcp_1', tool: 'add', args: { a: '{{ input.a }}', b: 2 } },
          { id: 'l2', type: 'llm', connection: 'conn_1', messages: [{ role: 'user', content: 'hi' }] },
        ],
        { maxTokens: 1000 },
      ),
    );
    expect(parsed.steps.map((s) => s.type)).toEqual(['rag_retrieve', 'llm', 'mcp_tool', 'llm']);
    expect(parsed.budget).toEqual({ maxTokens: 1000 });
  });

  it('reports missing or conflicting fields, unknown fields and broken templates', () => {
    expect(problems(def([{ id: 'l', type: 'llm', connection: 'c' }])).join()).toMatch(/exactly one of prompt and messages/);
    expect(problems(def([{ id: 'l', type: 'llm', connection: 'c', prompt: 'a', messages: [{ role: 'user', content: 'b' }] }])).join()).toMatch(/exactly one of prompt and messages/);
    expect(problems(def([{ id: 'l', type: 'llm', connection: 'c', prompt: 'a', temprature: 1 }])).length).toBeGreaterThan(0);
    expect(problems(def([{ id: 'r', type: 'rag_retrieve', index: 'kb' }])).length).toBeGreaterThan(0);
    expect(problems(def([{ id: 'r', type: 'rag_retrieve', index: 'kb', query: 'q', topK: 0 }])).length).toBeGreaterThan(0);
    expect(problems(def([{ id: 'm', type: 'mcp_tool', server: 's', tool: 't', args: { a: '{{ process.env }}' } }])).join()).toMatch(/forbidden name "process"/);
    expect(problems(def([{ id: 'l', type: 'llm', connection: 'c', prompt: 'a' }], { maxTokens: 0 })).join()).toMatch(/budget\.maxTokens/);
  });
});
