/**
 * `GET /metrics` on a real stack: after one signed delivery that runs an automation
 * with one action, its redelivery and a delivery with a bad signature, a scrape shows
 * each counter with its value; a key without `metrics:read` gets 403.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { createAutomation, startRun, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';
import { sample } from '../support/metrics.ts';

const SECRET = 'metrics-secret';

describe('GET /metrics', () => {
  let stack: TestStack;
  let github: string;
  let logging: string;

  let provider: Server;
  let providerUrl: string;

  beforeAll(async () => {
    // A provider that knows nothing: every request is a 404.
    provider = createServer((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}'));
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    logging = await createTestConnection(stack.services, 'logging', {});
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => provider?.close(resolve));
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

  it('counts a failed action by its error code, the failed run and the outbound 404', async () => {
    const http = await createTestConnection(stack.services, 'http', {}, { baseUrl: providerUrl });
    const { id: automationId } = await createAutomation(stack, {
      name: 'failing flow',
      trigger: { type: 'manual' },
      steps: [{ id: 'fetch', type: 'action', connection: http, action: 'request', input: { url: '/missing' } }],
    });
    const started = await startRun(stack, automationId, {});
    expect(started.status).toBe(202);
    await waitForRun(stack, started.body.workflowId, (r) => r.status === 'failed', 'the run to fail');

    const text = await (await stack.api('/metrics')).text();
    expect(sample(text, 'switchboard_action_attempts_total', { connector: 'http', action: 'request', code: 'NOT_FOUND' })).toBe(1);
    expect(sample(text, 'switchboard_action_attempts_total', { connector: 'http', action: 'request', code: 'OK' })).toBeUndefined();
    expect(sample(text, 'switchboard_runs_finished_total', { automation: automationId, outcome: 'failed' })).toBe(1);
    expect(sample(text, 'switchboard_runs_finished_total', { automation: automationId, outcome: 'completed' })).toBeUndefined();
    expect(sample(text, 'switchboard_outbound_requests_total', { host_class: 'allowed_private', status: '404' })).toBe(1);
  });

  it('refuses a scrape without metrics:read (403) or without a key (401)', async () => {
    const key = await mintKey(['runs:read']);
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(401);
    const post = await stack.api('/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/metrics']!['get']!.responses)).toEqual(['200', '401', '403', '405']);
  });
});
