import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callJira } from '../client.ts';
import { adf, type JiraConfig } from '../schemas.ts';

export const createIssue = defineAction({
  description: 'Create an issue in a project',
  input: z.object({
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
    summary: z.string().min(1).max(255),
    issueType: z.string().min(1).default('Task'),
    description: z.string().max(32_000).optional(),
    labels: z.array(z.string()).optional(),
  }),
  output: z.object({ id: z.string(), key: z.string(), url: z.url() }),
  idempotent: false,
  async run(ctx, input) {
    const fields = {
      project: { key: input.projectKey },
      summary: input.summary,
      issuetype: { name: input.issueType },
      ...(input.description ? { description: adf(input.description) } : {}),
      ...(input.labels ? { labels: input.labels } : {}),
    };
    const issue = await callJira<{ id: string; key: string }>(ctx, 'POST', '/issue', { fields });
    return { id: issue.id, key: issue.key, url: `${(ctx.config as JiraConfig).baseUrl.replace(/\/$/, '')}/browse/${issue.key}` };
  },
});
