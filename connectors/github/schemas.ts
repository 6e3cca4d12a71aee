import { z } from 'zod';
import { webhookConfigShape } from '../sdk/webhook.ts';

export const githubConfig = z.object({
  ...webhookConfigShape,
  /** REST API base URL (GitHub Enterprise: https://host/api/v3; tests: a local fake). */
  baseUrl: z.url().default('https://api.github.com'),
});

export const githubSecrets = z.object({
  token: z.string().min(1).optional(),
  /** Signing secret(s): several during a rotation (any one valid signature accepts). */
  webhookSecret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

export type GithubConfig = z.infer<typeof githubConfig>;
export type GithubSecrets = z.infer<typeof githubSecrets>;

export const repoRef = { owner: z.string().min(1).max(100), repo: z.string().min(1).max(100) };
