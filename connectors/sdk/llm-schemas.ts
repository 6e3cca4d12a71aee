/** Zod schemas the LLM and embeddings connectors share: config defaults, secrets, the `chat` and `embed` actions. */
import { z } from 'zod';
import { llmPricingSchema } from './llm-pricing.ts';

/** Config fields `runChat` applies (connectors/sdk/llm.ts); each connector adds its own. */
export const llmModelDefaultsShape = {
  model: z.string().min(1).optional().describe('default chat model'),
  defaults: z.object({ temperature: z.number().min(0).max(2).optional(), maxTokens: z.number().int().min(1).optional() }).optional(),
  pricing: llmPricingSchema.optional(),
};

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

export const embedInputSchema = z.object({
  model: z.string().min(1).optional(),
  texts: z.array(z.string()).min(1).max(2048),
  inputType: z.enum(['document', 'query']).optional().describe('what the texts are for (providers that distinguish embed them differently)'),
  dimensions: z.number().int().min(1).max(8192).optional(),
});

export const embedOutputSchema = z.object({
  vectors: z.array(z.array(z.number())),
  model: z.string(),
  usage: z.object({ inputTokens: z.number() }),
});
