/** Config and secrets of a `cohere` connection, and the v2 wire format the connector reads. */
import { z } from 'zod';
import { llmModelDefaultsShape } from '../sdk/llm-schemas.ts';

export const COHERE_DEFAULT_BASE_URL = 'https://api.cohere.com';

export const cohereConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe(`API base URL (a private deployment); default ${COHERE_DEFAULT_BASE_URL}`),
  ...llmModelDefaultsShape,
});

export const cohereSecretsSchema = z.object({ apiKey: z.string().min(1).describe('Cohere API key (Bearer)') });

export type CohereConfig = z.infer<typeof cohereConfigSchema>;
export type CohereSecrets = z.infer<typeof cohereSecretsSchema>;

const usageSchema = z
  .object({
    billed_units: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).partial().optional(),
    tokens: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).partial().optional(),
  })
  .optional();

/** `POST /v2/chat` answer (non-streaming). */
export const cohereChatResponseSchema = z.object({
  id: z.string().optional(),
  finish_reason: z.string(),
  message: z.object({
    role: z.literal('assistant'),
    content: z.array(z.object({ type: z.string(), text: z.string().optional() })).optional(),
    tool_plan: z.string().optional(),
    tool_calls: z
      .array(z.object({ id: z.string(), type: z.literal('function').optional(), function: z.object({ name: z.string(), arguments: z.string().optional() }) }))
      .optional(),
  }),
  usage: usageSchema,
});

/** `POST /v2/embed` answer with `embedding_types: ["float"]`. */
export const cohereEmbedResponseSchema = z.object({
  id: z.string().optional(),
  embeddings: z.object({ float: z.array(z.array(z.number())) }),
  meta: z.object({ billed_units: z.object({ input_tokens: z.number().optional() }).optional() }).optional(),
});
