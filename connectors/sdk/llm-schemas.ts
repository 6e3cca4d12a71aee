/** Zod schemas of the LLM connectors' config, secrets and `chat` action. */
import { z } from 'zod';

export const llmConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('API base URL (OpenAI-compatible servers: Ollama, vLLM, LM Studio, Azure OpenAI)'),
  model: z.string().min(1).optional().describe('default model'),
  organization: z.string().optional(),
  defaults: z.object({ temperature: z.number().min(0).max(2).optional(), maxTokens: z.number().int().min(1).optional() }).optional(),
});

export const llmSecretsSchema = z.object({ apiKey: z.string().min(1).optional() });

export const chatInputSchema = z
  .object({
    model: z.string().optional(),
    system: z.string().optional(),
    prompt: z.string().optional(),
    messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).optional(),
    output: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of a structured answer'),
    maxTokens: z.number().int().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .refine((v) => v.prompt !== undefined || (v.messages?.length ?? 0) > 0, { message: 'give prompt or messages' });

export const chatOutputSchema = z.object({
  text: z.string().optional(),
  object: z.unknown().optional(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
  model: z.string(),
  finishReason: z.string(),
});
