import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';
import { repoRef } from '../schemas.ts';

const branch = z.string().min(1).max(255);

export const createPullRequest = defineAction({
  description: 'Open a pull request from a head branch into a base branch',
  input: z.object({
    ...repoRef,
    title: z.string().min(1).max(256),
    head: branch.describe('Branch with the changes; `owner:branch` for a fork'),
    base: branch.describe('Branch to merge into'),
    body: z.string().max(65_536).optional(),
    draft: z.boolean().default(false),
    maintainerCanModify: z.boolean().optional(),
  }),
  output: z.object({ id: z.number(), number: z.number().int(), url: z.url(), state: z.string(), draft: z.boolean(), headSha: z.string() }),
  // A second call answers 422 "A pull request already exists": one effect, but not a silent success.
  idempotent: false,
  async run(ctx, { owner, repo, maintainerCanModify, ...fields }) {
    const pr = await callGithub<{ id: number; number: number; html_url: string; state: string; draft?: boolean; head: { sha: string } }>(ctx, 'POST', `/repos/${enc(owner)}/${enc(repo)}/pulls`, {
      ...fields,
      ...(maintainerCanModify === undefined ? {} : { maintainer_can_modify: maintainerCanModify }),
    });
    return { id: pr.id, number: pr.number, url: pr.html_url, state: pr.state, draft: pr.draft ?? false, headSha: pr.head?.sha };
  },
});
