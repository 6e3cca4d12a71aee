import { bodySha256, defineTrigger, eventTypeOf, parseJsonObject, pickHeaders, secretList, verifyHmacSignature, type WebhookRequest } from '../../sdk/index.ts';

/** Jira Cloud signs admin webhooks registered with a secret: WebSub's `X-Hub-Signature: sha256=<hex HMAC of the body>`. */
export const JIRA_SIGNATURE = { header: 'x-hub-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' } as const;

const payloadOf = (req: WebhookRequest): Record<string, unknown> => parseJsonObject(req);

/** `jira:issue_created` → `jira.issue_created`, `comment_created` → `jira.comment_created`. */
export function jiraEventType(webhookEvent: unknown): string {
  const name = typeof webhookEvent === 'string' && webhookEvent ? webhookEvent.replace(/^jira:/, '') : 'unknown';
  return eventTypeOf('jira', name);
}

/**
 * Jira Cloud webhooks: `X-Hub-Signature` (HMAC-SHA256, hex) with the secret
 * `webhookSecret`; delivery id `X-Atlassian-Webhook-Identifier` (the same on Jira's
 * retries); type from the body's `webhookEvent` (`jira.issue_created`,
 * `jira.issue_updated`, `jira.comment_created`, …).
 */
export const jiraWebhookTrigger = defineTrigger({
  description: 'Receives Jira Cloud webhooks (issue created/updated/deleted, comments, …) signed with the webhook secret.',
  events: ['jira.issue_created', 'jira.issue_updated', 'jira.issue_deleted', 'jira.comment_created', 'jira.comment_updated', 'jira.comment_deleted', 'jira.*'],
  contentTypes: ['application/json'],
  verify: (req, ctx) => verifyHmacSignature(req, secretList(ctx.secrets['webhookSecret']), JIRA_SIGNATURE),
  deliveryId: (req) => req.headers['x-atlassian-webhook-identifier'] || bodySha256(req),
  toEvent(req) {
    const payload = payloadOf(req);
    return {
      type: jiraEventType(payload['webhookEvent']),
      payload,
      headers: pickHeaders(req, ['x-atlassian-webhook-identifier', 'x-atlassian-webhook-retry', 'x-atlassian-webhook-flow']),
    };
  },
});
