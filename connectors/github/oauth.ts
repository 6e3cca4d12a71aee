import { z } from 'zod';
import { defineConnector, oauth2, oauthSecrets, withAccessTokenAs } from '../sdk/index.ts';
import { githubActions } from './actions/index.ts';
import { callGithub } from './client.ts';
import { githubApiShape } from './schemas.ts';

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
  config: z.object(githubApiShape),
  secrets: oauthSecrets,
  actions: withAccessTokenAs('token', githubActions),
  async test(ctx) {
    const me = await callGithub<{ login: string }>({ ...ctx, secrets: { token: ctx.secrets.accessToken } }, 'GET', '/user');
    return { ok: true, message: `authenticated as ${me.login}` };
  },
});
