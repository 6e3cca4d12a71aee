import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { githubActions } from './actions/index.ts';
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
  actions: githubActions,
  triggers,
  async test(ctx) {
    if (!ctx.secrets.token) return ctx.secrets.webhookSecret ? notTested(WEBHOOK_ONLY_REASON) : { ok: false, message: 'no token or webhookSecret' };
    const me = await callGithub<{ login: string }>(ctx, 'GET', '/user');
    return { ok: true, message: `authenticated as ${me.login}` };
  },
});
