/** Config and secrets of an `openai` connection (OpenAI or any OpenAI-compatible server). */
import { z } from 'zod';
import { llmModelDefaultsShape, llmSecretsSchema } from '../sdk/llm-schemas.ts';

export const openAiConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('API base URL (OpenAI-compatible servers: Ollama, vLLM, LM Studio, Azure OpenAI); default https://api.openai.com/v1'),
  organization: z.string().optional().describe('OpenAI organization id (OpenAI-Organization header)'),
  ...llmModelDefaultsShape,
});

export const openAiSecretsSchema = llmSecretsSchema;

export type OpenAiConfig = z.infer<typeof openAiConfigSchema>;
export type OpenAiSecrets = z.infer<typeof openAiSecretsSchema>;
