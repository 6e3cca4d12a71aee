/** Config and secrets of an `anthropic` connection (the Messages API). */
import { z } from 'zod';
import { llmModelDefaultsShape } from '../sdk/llm-schemas.ts';

export const anthropicConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('API base URL; default https://api.anthropic.com'),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .describe('anthropic-version header (YYYY-MM-DD); default: the SDK\'s'),
  ...llmModelDefaultsShape,
});

export const anthropicSecretsSchema = z.object({ apiKey: z.string().min(1).optional() });

export type AnthropicConfig = z.infer<typeof anthropicConfigSchema>;
export type AnthropicSecrets = z.infer<typeof anthropicSecretsSchema>;
