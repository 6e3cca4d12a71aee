import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';
import { repoRef } from '../schemas.ts';

export const closeIssue = defineAction({
  description: 'Close an issue (completed or not planned)',
  input: z.object({ ...repoRef, issueNumber: z.number().int().positive(), reason: z.enum(['completed', 'not_planned']).default('completed') }),
  output: z.object({ number: z.number().int(), state: z.literal('closed') }),
  idempotent: true,
  async run(ctx, { owner, repo, issueNumber, reason }) {
    const issue = await callGithub<{ number: number; state: 'closed' }>(ctx, 'PATCH', `/repos/${enc(owner)}/${enc(repo)}/issues/${issueNumber}`, {
      state: 'closed',
      state_reason: reason,
    });
    return { number: issue.number, state: issue.state };
  },
});
