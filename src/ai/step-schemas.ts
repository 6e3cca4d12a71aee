/**
 * zod schemas of the AI step types (`llm`, `rag_retrieve`, `mcp_tool`) for the
 * automation definition language; their executors are in
 * workflows/automation/steps/ai.ts. Text fields accept templates (`{{ … }}`).
 *
 * @example
 * { id: 'answer', type: 'llm', connection: 'conn_…', prompt: 'Answer: {{ trigger.payload.question }}',
 *   output: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } }
 */
import { z } from 'zod';
import type { ZodObject } from 'zod';

const tokenBudget = z.object({ maxTokens: z.number().int().min(1) }).strict();
const message = z.union([
  z.object({ role: z.enum(['system', 'user']), content: z.string() }).strict(),
  z.object({ role: z.literal('assistant'), content: z.string() }).strict(),
]);
const toolRef = z.union([
  z.object({ connection: z.string().min(1), action: z.string().min(1) }).strict(),
  z.object({ mcpServer: z.string().min(1), tool: z.string().min(1) }).strict(),
]);

/** Builds the three step schemas on the interpreter's common step fields. */
export function aiStepSchemas(stepBase: ZodObject) {
  return [
    stepBase
      .extend({
        type: z.literal('llm'),
        connection: z.string().min(1),
        model: z.string().min(1).optional(),
        system: z.string().optional(),
        prompt: z.string().optional(),
        messages: z.array(message).min(1).optional(),
        output: z.record(z.string(), z.unknown()).optional().describe('JSON Schema: the answer is an object matching it'),
        maxTokens: z.number().int().min(1).optional(),
        temperature: z.number().min(0).max(2).optional(),
        tools: z.array(toolRef).optional(),
        maxToolRounds: z.number().int().min(0).max(20).optional(),
        budget: tokenBudget.optional(),
      })
      .strict()
      .refine((s) => (s.prompt === undefined) !== (s.messages === undefined), 'an llm step needs exactly one of prompt and messages'),
    stepBase
      .extend({
        type: z.literal('rag_retrieve'),
        index: z.string().min(1).describe('index id or name'),
        query: z.string().min(1),
        topK: z.number().int().min(1).max(50).optional(),
        filter: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .strict(),
    stepBase
      .extend({
        type: z.literal('mcp_tool'),
        server: z.string().min(1).describe('MCP server registration id'),
        tool: z.string().min(1),
        args: z.union([z.record(z.string(), z.unknown()), z.string().min(1)]).optional(),
      })
      .strict(),
  ];
}
