import { defineConnector } from '../sdk/index.ts';
import { addComment } from './actions/add-comment.ts';
import { closeIssue } from './actions/close-issue.ts';
import { createIssue } from './actions/create-issue.ts';
import { createRepo } from './actions/create-repo.ts';
import { callGithub } from './client.ts';
import { githubConfig, githubSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** GitHub: issues, comments and repositories through the REST API. */
export default defineConnector({
  key: 'github',
  displayName: 'GitHub',
  version: '1.0.0',
  description: 'Create and close issues, comment, create repositories (REST API, token auth)',
  config: githubConfig,
  secrets: githubSecrets,
  actions: { create_issue: createIssue, add_comment: addComment, close_issue: closeIssue, create_repo: createRepo },
  triggers,
  async test(ctx) {
    const me = await callGithub<{ login: string }>(ctx, 'GET', '/user');
    return { ok: true, message: `authenticated as ${me.login}` };
  },
});
