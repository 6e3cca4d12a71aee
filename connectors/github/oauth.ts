import { z } from 'zod';
import { defineConnector, oauth2, oauthSecrets, withAccessTokenAs } from '../sdk/index.ts';
import { addComment } from './actions/add-comment.ts';
import { addLabels } from './actions/add-labels.ts';
import { closeIssue } from './actions/close-issue.ts';
import { createIssue } from './actions/create-issue.ts';
import { createPullRequest } from './actions/create-pull-request.ts';
import { createRepo } from './actions/create-repo.ts';
import { mergePullRequest } from './actions/merge-pull-request.ts';
import { callGithub } from './client.ts';

/**
 * GitHub connected by consent (a GitHub OAuth app, or a GitHub App's user tokens, which
 * expire and refresh): the `github` connector's actions with the OAuth access token.
 * Webhooks stay on `github` connections (their signing secret is pasted).
 */
export default defineConnector({
  key: 'github_oauth',
  displayName: 'GitHub (OAuth)',
  version: '1.0.0',
  description: 'Issues, comments, labels, pull requests (open, merge) and repositories (REST API), connected with a GitHub OAuth app',
  auth: oauth2({
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    scopes: ['repo'],
  }),
  config: z.object({
    /** REST API base URL (GitHub Enterprise: https://host/api/v3; tests: a local fake). */
    baseUrl: z.url().default('https://api.github.com'),
  }),
  secrets: oauthSecrets,
  actions: withAccessTokenAs('token', {
    create_issue: createIssue,
    add_comment: addComment,
    close_issue: closeIssue,
    create_repo: createRepo,
    create_pull_request: createPullRequest,
    merge_pull_request: mergePullRequest,
    add_labels: addLabels,
  }),
  async test(ctx) {
    const me = await callGithub<{ login: string }>({ ...ctx, secrets: { token: ctx.secrets.accessToken } }, 'GET', '/user');
    return { ok: true, message: `authenticated as ${me.login}` };
  },
});
