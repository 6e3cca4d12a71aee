import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';
import { repoRef } from '../schemas.ts';

export const addComment = defineAction({
  description: 'Comment on an issue or pull request',
  input: z.object({ ...repoRef, issueNumber: z.number().int().positive(), body: z.string().min(1).max(65_536) }),
  output: z.object({ id: z.number(), url: z.url() }),
  idempotent: false,
  async run(ctx, { owner, repo, issueNumber, body }) {
    const c = await callGithub<{ id: number; html_url: string }>(ctx, 'POST', `/repos/${enc(owner)}/${enc(repo)}/issues/${issueNumber}/comments`, { body });
    return { id: c.id, url: c.html_url };
  },
});
