import { z } from 'zod';
import { webhookConfigShape, webhookSecretSchema } from '../sdk/webhook.ts';

/** The REST API's base URL field, shared by the token and the OAuth connector. */
export const githubApiShape = {
  /** REST API base URL (GitHub Enterprise: https://host/api/v3; tests: a local fake). */
  baseUrl: z.url().default('https://api.github.com'),
};

export const githubConfig = z.object({
  ...webhookConfigShape,
  ...githubApiShape,
});

export const githubSecrets = z.object({
  token: z.string().min(1).optional(),
  webhookSecret: webhookSecretSchema.optional(),
});

export type GithubConfig = z.infer<typeof githubConfig>;
export type GithubSecrets = z.infer<typeof githubSecrets>;

export const repoRef = { owner: z.string().min(1).max(100), repo: z.string().min(1).max(100) };
