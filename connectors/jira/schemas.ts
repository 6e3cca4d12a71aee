import { z } from 'zod';

export const jiraConfig = z.object({
  /** Site URL, e.g. https://acme.atlassian.net. */
  baseUrl: z.url(),
  email: z.email(),
});

export const jiraSecrets = z.object({ apiToken: z.string().min(1) });

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
