/**
 * Jira Cloud webhooks through the real endpoint: `X-Hub-Signature: sha256=<hex>`
 * with the connection's secret, `X-Atlassian-Webhook-Identifier` as the delivery id
 * (Jira's retries dedupe), `webhookEvent` as the event type.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JIRA_SIGNATURE, jiraEventType } from '../../connectors/jira/triggers/webhook.ts';
import { signHmacPayload } from '../../connectors/sdk/index.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'jira-webhook-secret-0123456789';

/** Bodies in Jira Cloud's webhook format (trimmed). */
const issueCreated = (key: string) =>
  JSON.stringify({
    timestamp: 1700000000000,
    webhookEvent: 'jira:issue_created',
    issue_event_type_name: 'issue_created',
    user: { accountId: '5b10a2844c20165700ede21g', displayName: 'Ada' },
    issue: { id: '10001', key, fields: { summary: 'Disk full', issuetype: { name: 'Bug' }, project: { key: 'OPS' } } },
  });
const issueUpdated = JSON.stringify({ timestamp: 1700000000001, webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_generic', issue: { id: '10001', key: 'OPS-1' }, changelog: { items: [{ field: 'status', fromString: 'To Do', toString: 'Done' }] } });
const commentCreated = JSON.stringify({ timestamp: 1700000000002, webhookEvent: 'comment_created', comment: { id: '10100', body: 'on it' }, issue: { id: '10001', key: 'OPS-1' } });

const headers = (body: string, id: string = randomUUID(), secret = SECRET) => ({
  'content-type': 'application/json; charset=utf-8',
  'x-atlassian-webhook-identifier': id,
  'x-hub-signature': signHmacPayload(body, secret, JIRA_SIGNATURE),
});

describe('Jira webhook trigger', () => {
  let stack: TestStack;
  let jira: string;
  beforeAll(async () => {
    stack = await startTestStack({ dialect: 'sqlite' });
    jira = await createTestConnection(stack.services, 'jira', { webhookSecret: ['jira-new-secret-9876543210', SECRET] }, { baseUrl: 'https://acme.atlassian.net' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('maps webhookEvent to jira.issue_created / jira.issue_updated / jira.comment_created', () => {
    expect(jiraEventType('jira:issue_created')).toBe('jira.issue_created');
    expect(jiraEventType('jira:issue_updated')).toBe('jira.issue_updated');
    expect(jiraEventType('comment_created')).toBe('jira.comment_created');
    expect(jiraEventType(undefined)).toBe('jira.unknown');
  });

  it('starts one event workflow per delivery id with the Jira event type; a redelivery is a duplicate', async () => {
    const path = `/webhooks/jira/${jira}`;
    for (const [body, type] of [
      [issueCreated('OPS-1'), 'jira.issue_created'],
      [issueUpdated, 'jira.issue_updated'],
      [commentCreated, 'jira.comment_created'],
    ] as const) {
      const id = randomUUID();
      const r = await deliver(stack.baseUrl, path, body, headers(body, id));
      expect(r.status).toBe(202);
      expect(r.json).toMatchObject({ eventId: id, workflowId: `wh:jira:${jira}:${id}` });
      expect(await stack.services.temporal.client.workflow.getHandle(`wh:jira:${jira}:${id}`).result()).toMatchObject({ eventId: id, type });
      // Jira retries with the same identifier (X-Atlassian-Webhook-Retry counts them).
      const again = await deliver(stack.baseUrl, path, body, { ...headers(body, id), 'x-atlassian-webhook-retry': '1' });
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ duplicate: true, eventId: id });
    }
  });

  it('rejects a wrong secret, an altered body, a missing or non-sha256 signature with 401; a connection without a secret accepts nothing', async () => {
    const path = `/webhooks/jira/${jira}`;
    const body = issueCreated('OPS-2');
    const good = headers(body);
    const cases: [string, Record<string, string>][] = [
      [body, headers(body, randomUUID(), 'not-the-secret')],
      [body.replace('Disk full', 'Disk fine'), good],
      [body, { ...good, 'x-hub-signature': '' }],
      [body, { ...good, 'x-hub-signature': good['x-hub-signature'].replace('sha256=', 'sha1=') }],
    ];
    for (const [b, h] of cases) {
      const r = await deliver(stack.baseUrl, path, b, h);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: { code: 'INVALID_SIGNATURE', message: 'Webhook signature verification failed' } });
    }
    const noSecret = await createTestConnection(stack.services, 'jira', { apiToken: 'jira-api-token-1' }, { baseUrl: 'https://acme.atlassian.net', email: 'bot@example.com' });
    expect((await deliver(stack.baseUrl, `/webhooks/jira/${noSecret}`, body, good)).status).toBe(401);
  });
});
