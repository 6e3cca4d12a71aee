import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import type { SubscriptionResolver } from '../../activities/event-routing.ts';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import type { EventRouteResult } from '../../workflows/event-router.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const fixtureWorkflows = fileURLToPath(new URL('../fixtures/router-workflows.ts', import.meta.url));

/** Subscriptions of the test: two automations for opened issues (one listed twice). */
const resolver: SubscriptionResolver = {
  async find(event) {
    if (event.type !== 'github.issues.opened') return [];
    return [
      { automationId: 'auto_triage', version: 3 },
      { automationId: 'auto_notify', version: 1 },
      { automationId: 'auto_triage', version: 4 },
    ];
  },
};

describe('event router: subscribers become child automation runs', () => {
  let stack: TestStack;
  let worker: Worker;
  let running: Promise<void>;
  let connection: NativeConnection;
  let github: string;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await Worker.create({
      connection,
      taskQueue: stack.config.temporal.taskQueue,
      workflowsPath: fixtureWorkflows,
      activities: createActivities({ ...stack.services, subscriptions: resolver }),
      // Every workflow task replays the whole history: a child started twice would fail the task.
      maxCachedWorkflows: 0,
    });
    running = worker.run();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: 'gh' });
    // Intake asks the same subscriptions as the worker before it lets the router skip its look-up.
    stack.services.subscriptions.noneSubscribeNow = async (event) => (await resolver.find(event)).length === 0;
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await stack?.close();
  });

  const client = () => stack.services.temporal.client;

  it('starts one run per subscribed automation, with a deterministic id, the payload and the event', async () => {
    const body = '{"action":"opened","issue":{"number":7}}';
    const delivery = randomUUID();
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, 'gh'),
    });
    expect(res.status).toBe(202);
    const routerId = eventWorkflowId('github', github, delivery);
    const router = client().workflow.getHandle<() => Promise<EventRouteResult>>(routerId);
    const result = await router.result();
    expect(result).toEqual({
      eventId: delivery,
      type: 'github.issues.opened',
      runs: [
        { automationId: 'auto_triage', version: 3, workflowId: `run:auto_triage:${routerId}`, runId: expect.any(String), status: 'started' },
        { automationId: 'auto_notify', version: 1, workflowId: `run:auto_notify:${routerId}`, runId: expect.any(String), status: 'started' },
      ],
    });

    const child = await client().workflow.getHandle(`run:auto_triage:${routerId}`).result();
    expect(child).toMatchObject({
      workflowId: `run:auto_triage:${routerId}`,
      parent: routerId,
      input: {
        automationId: 'auto_triage',
        version: 3,
        input: { action: 'opened', issue: { number: 7 } },
        trigger: { type: 'webhook', event: { id: delivery, type: 'github.issues.opened', source: { connector: 'github', connectionId: github } } },
      },
    });
    const childDescription = await client().workflow.getHandle(`run:auto_triage:${routerId}`).describe();
    expect(childDescription.typedSearchAttributes.get(SA.automationId)).toBe('auto_triage');
    expect(childDescription.typedSearchAttributes.get(SA.triggerType)).toBe('webhook');

    // Exactly one start command per subscriber in the router's history, and the history replays cleanly.
    const history = await router.fetchHistory();
    const starts = (history.events ?? []).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
    expect(starts.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)).toEqual([`run:auto_triage:${routerId}`, `run:auto_notify:${routerId}`]);
    await Worker.runReplayHistory({ workflowsPath: fixtureWorkflows }, history, routerId);

    // A redelivery answers with the router's ids and starts no further run.
    const again = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, 'gh'),
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, workflowId: routerId, runId: res.json['runId'] });
    expect(childDescription.runId).toBe(result.runs[0]!.runId);
  });

  it('records a run that already exists instead of failing or starting it again', async () => {
    const event: NormalizedEvent = {
      type: 'github.issues.opened',
      id: randomUUID(),
      source: { connector: 'github', connectionId: github },
      payload: { action: 'opened' },
      receivedAt: new Date().toISOString(),
    };
    const routerId = eventWorkflowId('github', github, event.id);
    const existing = await client().workflow.start(WORKFLOW_TYPES.automation, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `run:auto_triage:${routerId}`,
      args: [{ automationId: 'auto_triage', version: 3, input: {}, trigger: { type: 'manual' } }],
    });
    await existing.result();
    const result = await client().workflow.execute(WORKFLOW_TYPES.event, { taskQueue: stack.config.temporal.taskQueue, workflowId: routerId, args: [event] });
    expect((result as EventRouteResult).runs).toEqual([
      { automationId: 'auto_triage', version: 3, workflowId: `run:auto_triage:${routerId}`, status: 'already-started' },
      { automationId: 'auto_notify', version: 1, workflowId: `run:auto_notify:${routerId}`, runId: expect.any(String), status: 'started' },
    ]);
  });

  it('records an event nobody subscribes to, findable by its search attributes', async () => {
    const event: NormalizedEvent = {
      type: 'github.push',
      id: randomUUID(),
      source: { connector: 'github', connectionId: github },
      payload: { ref: 'refs/heads/main' },
      receivedAt: new Date().toISOString(),
    };
    const routerId = eventWorkflowId('github', github, event.id);
    const handle = await client().workflow.start(WORKFLOW_TYPES.event, { taskQueue: stack.config.temporal.taskQueue, workflowId: routerId, args: [event] });
    expect(await handle.result()).toEqual({ eventId: event.id, type: 'github.push', runs: [] });
    const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toBe('No automation subscribes to this event.');
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SA.eventType)).toBe('github.push');
    expect(description.typedSearchAttributes.get(SA.connectionId)).toBe(github);
  });
});
