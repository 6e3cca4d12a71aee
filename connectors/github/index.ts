import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { addComment } from './actions/add-comment.ts';
import { addLabels } from './actions/add-labels.ts';
import { closeIssue } from './actions/close-issue.ts';
import { createIssue } from './actions/create-issue.ts';
import { createPullRequest } from './actions/create-pull-request.ts';
import { createRepo } from './actions/create-repo.ts';
import { mergePullRequest } from './actions/merge-pull-request.ts';
import { callGithub } from './client.ts';
import { githubConfig, githubSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** GitHub: issues, comments, labels, pull requests and repositories through the REST API. */
export default defineConnector({
  key: 'github',
  displayName: 'GitHub',
  version: '1.0.0',
  description: 'Issues, comments, labels, pull requests (open, merge) and repositories (REST API, token auth)',
  config: githubConfig,
  secrets: githubSecrets,
  actions: {
    create_issue: createIssue,
    add_comment: addComment,
    close_issue: closeIssue,
    create_repo: createRepo,
    create_pull_request: createPullRequest,
    merge_pull_request: mergePullRequest,
    add_labels: addLabels,
  },
  triggers,
  async test(ctx) {
    if (!ctx.secrets.token) return ctx.secrets.webhookSecret ? notTested(WEBHOOK_ONLY_REASON) : { ok: false, message: 'no token or webhookSecret' };
    const me = await callGithub<{ login: string }>(ctx, 'GET', '/user');
    return { ok: true, message: `authenticated as ${me.login}` };
  },
});
