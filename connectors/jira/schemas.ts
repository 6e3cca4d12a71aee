import { z } from 'zod';
import { webhookConfigShape, webhookSecretSchema } from '../sdk/webhook.ts';

export const jiraConfig = z.object({
  ...webhookConfigShape,
  /** Site URL, e.g. https://acme.atlassian.net. */
  baseUrl: z.url(),
  /** Account email of the API token (the actions need it; a webhook-only connection does not). */
  email: z.email().optional(),
});

export const jiraSecrets = z.object({
  /** API token of `email` (the actions need it). */
  apiToken: z.string().min(1).optional(),
  /** Secret of the Jira admin webhook; several during a rotation (any one valid signature accepts). */
  webhookSecret: webhookSecretSchema.optional(),
});

export type JiraConfig = z.infer<typeof jiraConfig>;
export type JiraSecrets = z.infer<typeof jiraSecrets>;

export const issueKey = z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/, 'must look like PROJ-123');

/** Plain text as an Atlassian Document Format document (REST API v3 needs ADF). */
export function adf(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: text.split(/\n{2,}/).map((para) => ({ type: 'paragraph', content: para ? [{ type: 'text', text: para }] : [] })),
  };
}
