import { defineConnector, notTested, WEBHOOK_ONLY_REASON } from '../sdk/index.ts';
import { addComment } from './actions/add-comment.ts';
import { createIssue } from './actions/create-issue.ts';
import { transitionIssue } from './actions/transition-issue.ts';
import { callJira } from './client.ts';
import { jiraConfig, jiraSecrets } from './schemas.ts';
import { triggers } from './triggers/index.ts';

/** Jira Cloud: issues, comments and transitions (REST API v3); signed webhooks in. */
export default defineConnector({
  key: 'jira',
  displayName: 'Jira',
  version: '1.0.0',
  description: 'Create issues, comment and transition them in Jira Cloud (email + API token); receive its signed webhooks',
  config: jiraConfig,
  secrets: jiraSecrets,
  actions: { create_issue: createIssue, add_comment: addComment, transition_issue: transitionIssue },
  triggers,
  async test(ctx) {
    if (!ctx.secrets.apiToken) return ctx.secrets.webhookSecret ? notTested(WEBHOOK_ONLY_REASON) : { ok: false, message: 'no apiToken or webhookSecret' };
    const me = await callJira<{ displayName?: string; emailAddress?: string }>(ctx, 'GET', '/myself');
    return { ok: true, message: `authenticated as ${me.displayName ?? me.emailAddress ?? 'user'}` };
  },
});
