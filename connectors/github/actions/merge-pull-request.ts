import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';
import { repoRef } from '../schemas.ts';

interface PullRequest {
  merged: boolean;
  merge_commit_sha: string | null;
}

export const mergePullRequest = defineAction({
  description: 'Merge a pull request (merge, squash or rebase); a pull request already merged counts as success',
  input: z.object({
    ...repoRef,
    pullNumber: z.number().int().positive(),
    mergeMethod: z.enum(['merge', 'squash', 'rebase']).default('merge'),
    commitTitle: z.string().max(256).optional(),
    commitMessage: z.string().max(65_536).optional(),
    sha: z.string().regex(/^[0-9a-f]{7,64}$/).optional().describe('Merge only if the head is still this commit (GitHub answers 409 otherwise)'),
  }),
  output: z.object({ merged: z.literal(true), sha: z.string(), alreadyMerged: z.boolean() }),
  idempotent: true,
  async run(ctx, { owner, repo, pullNumber, mergeMethod, commitTitle, commitMessage, sha }) {
    const path = `/repos/${enc(owner)}/${enc(repo)}/pulls/${pullNumber}`;
    try {
      const res = await callGithub<{ sha: string; merged: boolean; message?: string }>(ctx, 'PUT', `${path}/merge`, {
        merge_method: mergeMethod,
        ...(commitTitle === undefined ? {} : { commit_title: commitTitle }),
        ...(commitMessage === undefined ? {} : { commit_message: commitMessage }),
        ...(sha === undefined ? {} : { sha }),
      });
      return { merged: true as const, sha: res.sha, alreadyMerged: false };
    } catch (err) {
      // 405 "not mergeable" is also what a retry gets when the first attempt merged but
      // its answer was lost: look before failing, so the step has one effect.
      if (!(err instanceof ConnectorError) || err.options.status !== 405) throw err;
      const pr = await callGithub<PullRequest>(ctx, 'GET', path);
      if (pr.merged && pr.merge_commit_sha) return { merged: true as const, sha: pr.merge_commit_sha, alreadyMerged: true };
      throw new ConnectorError('INVALID_INPUT', `pull request #${pullNumber} is not mergeable: ${err.message}`, { status: 405 });
    }
  },
});
