/**
 * A worker run alone (`switchboard worker`, its own process) serves `/metrics` without
 * authentication on SWITCHBOARD_METRICS_ADDRESS: the action attempt and run outcome it
 * executed, plus the Temporal SDK's own runtime metrics. The API process keeps its own
 * webhook counters.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { sample } from '../support/metrics.ts';
import { freePort } from '../support/ports.ts';
import { createAutomation, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

const SECRET = 'worker-metrics-secret';

describe('metrics of a worker run alone', () => {
  let stack: TestStack;
  let worker: WorkerProcess | undefined;
  let metricsUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    worker = spawnWorker(stack, { SWITCHBOARD_METRICS_ADDRESS: `127.0.0.1:${port}` });
    await worker.ready;
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await stack?.close();
  });

  it('serves its action attempts, run outcomes and the SDK metrics on the metrics address, unauthenticated', async () => {
    const github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    const logging = await createTestConnection(stack.services, 'logging', {});
    const { id: automationId } = await createAutomation(stack, {
      name: 'worker metrics flow',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'from the worker' } }],
    });
    const delivery = randomUUID();
    const body = JSON.stringify({ action: 'opened', issue: { number: 9 } });
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
    expect(res.status).toBe(202);
    await waitForRun(stack, runWorkflowId(automationId, eventWorkflowId('github', github, delivery)), (r) => r.status === 'completed', 'the run to complete');

    const scrape = await fetch(metricsUrl);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(sample(text, 'switchboard_action_attempts_total', { connector: 'logging', action: 'log', code: 'OK' })).toBe(1);
    expect(sample(text, 'switchboard_runs_finished_total', { automation: automationId, outcome: 'completed' })).toBe(1);
    // Intake happened in the API process, not here.
    expect(sample(text, 'switchboard_webhook_deliveries_total', { connector: 'github', outcome: 'accepted' })).toBeUndefined();
    // The Temporal SDK's exporter: workflow task polls of this worker's task queue.
    expect(sample(text, 'temporal_workflow_completed_total', { task_queue: stack.config.temporal.taskQueue })).toBeGreaterThanOrEqual(1);
    // The API keeps its own counters.
    const api = await (await stack.api('/metrics')).text();
    expect(sample(api, 'switchboard_webhook_deliveries_total', { connector: 'github', outcome: 'accepted' })).toBe(1);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });
});
