import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';
import { repoRef } from '../schemas.ts';

export const createIssue = defineAction({
  description: 'Open an issue in a repository',
  input: z.object({
    ...repoRef,
    title: z.string().min(1).max(256),
    body: z.string().max(65_536).optional(),
    labels: z.array(z.string()).optional(),
    assignees: z.array(z.string()).optional(),
  }),
  output: z.object({ id: z.number(), number: z.number().int(), url: z.url() }),
  idempotent: false,
  async run(ctx, { owner, repo, ...fields }) {
    const issue = await callGithub<{ id: number; number: number; html_url: string }>(ctx, 'POST', `/repos/${enc(owner)}/${enc(repo)}/issues`, fields);
    return { id: issue.id, number: issue.number, url: issue.html_url };
  },
});
