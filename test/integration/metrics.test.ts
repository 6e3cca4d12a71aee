/**
 * `GET /metrics` on a real stack: after one signed delivery that runs an automation
 * with one action, its redelivery and a delivery with a bad signature, a scrape shows
 * each counter with its value; a key without `metrics:read` gets 403.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { createAutomation, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';
import { sample } from '../support/metrics.ts';

const SECRET = 'metrics-secret';

describe('GET /metrics', () => {
  let stack: TestStack;
  let github: string;
  let logging: string;

  beforeAll(async () => {
    stack = await startTestStack();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    logging = await createTestConnection(stack.services, 'logging', {});
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function mintKey(scopes: string[]): Promise<string> {
    const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: `metrics ${scopes.join(' ')}`, principal: 'prometheus', scopes } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  }

  async function post(delivery: string, secret = SECRET) {
    const body = JSON.stringify({ action: 'opened', issue: { number: 7 } });
    return deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, secret),
    });
  }

  it('counts deliveries by outcome, the intake latency and the action attempt, with their values', async () => {
    const { id: automationId } = await createAutomation(stack, {
      name: 'metrics flow',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'counted' } }],
    });
    const delivery = randomUUID();
    expect((await post(delivery)).status).toBe(202);
    await waitForRun(stack, runWorkflowId(automationId, eventWorkflowId('github', github, delivery)), (r) => r.status === 'completed', 'the run to complete');
    expect((await post(delivery)).status).toBe(200);
    expect((await post(randomUUID(), 'not-the-secret')).status).toBe(401);

    const key = await mintKey(['metrics:read']);
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();

    const deliveries = (outcome: string) => sample(text, 'switchboard_webhook_deliveries_total', { connector: 'github', outcome });
    expect(deliveries('accepted')).toBe(1);
    expect(deliveries('duplicate')).toBe(1);
    expect(deliveries('rejected')).toBe(1);
    expect(deliveries('unavailable')).toBeUndefined();
    expect(sample(text, 'switchboard_webhook_intake_seconds_count', { connector: 'github', outcome: 'accepted' })).toBe(1);
    expect(sample(text, 'switchboard_webhook_intake_seconds_bucket', { connector: 'github', outcome: 'accepted', le: '+Inf' })).toBe(1);
    expect(sample(text, 'switchboard_webhook_intake_seconds_sum', { connector: 'github', outcome: 'accepted' })).toBeGreaterThan(0);
    expect(sample(text, 'switchboard_action_attempts_total', { connector: 'logging', action: 'log', code: 'OK' })).toBe(1);
    expect(sample(text, 'switchboard_runs_finished_total', { automation: automationId, outcome: 'completed' })).toBe(1);
    expect(sample(text, 'switchboard_runs_finished_total', { automation: automationId, outcome: 'failed' })).toBeUndefined();
    expect(sample(text, 'switchboard_approvals_waiting', {})).toBe(0);
  });

  it('refuses a scrape without metrics:read (403) or without a key (401)', async () => {
    const key = await mintKey(['runs:read']);
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(401);
  });
});
