import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';
import { repoRef } from '../schemas.ts';

export const addLabels = defineAction({
  description: 'Add labels to an issue or pull request (labels that do not exist yet are created)',
  input: z.object({ ...repoRef, issueNumber: z.number().int().positive(), labels: z.array(z.string().min(1).max(50)).min(1).max(100) }),
  output: z.object({ labels: z.array(z.object({ id: z.number(), name: z.string(), color: z.string() })) }),
  idempotent: true,
  async run(ctx, { owner, repo, issueNumber, labels }) {
    const all = await callGithub<{ id: number; name: string; color: string }[]>(ctx, 'POST', `/repos/${enc(owner)}/${enc(repo)}/issues/${issueNumber}/labels`, { labels });
    // Anything but an array fails the output schema (not retried) rather than passing as "no labels".
    return { labels: Array.isArray(all) ? all.map((l) => ({ id: l.id, name: l.name, color: l.color })) : (all as never) };
  },
});
