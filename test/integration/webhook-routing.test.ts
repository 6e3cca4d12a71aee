/**
 * Routing at intake: a webhook event with a subscribed automation costs one workflow
 * execution (no event workflow, no lookup activities), carries its search attributes
 * from the start, stays pinned to its version, and dedupes like before.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import { AutomationService } from '../../src/automations/service.ts';
import { createAutomation, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'routing-secret';

describe('webhook routing at intake', () => {
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

  const flow = (message: string) => ({
    name: 'log opened issues',
    trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
    steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message } }],
  });

  async function post(delivery: string, action = 'opened') {
    const body = JSON.stringify({ action, issue: { number: 5 } });
    return deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
  }

  it('starts the run directly: one execution, no lookup activity, attributes set at start, same ids on redelivery', async () => {
    const { id: automationId } = await createAutomation(stack, flow('first'));
    const delivery = randomUUID();
    const workflowId = runWorkflowId(automationId, eventWorkflowId('github', github, delivery));
    const res = await post(delivery);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ eventId: delivery, workflowId, runs: [{ automationId, version: 1, workflowId, runId: res.json['runId'] }] });

    const done = await waitForRun(stack, workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(done.steps).toMatchObject([{ id: 'log', status: 'completed', output: { logged: true } }]);

    const client = stack.services.temporal.client;
    // No event workflow: the run is the durable record of the event.
    await expect(client.workflow.getHandle(eventWorkflowId('github', github, delivery)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const handle = client.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const activities = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(activities).toEqual(['runConnectorAction']);
    // Only the final status is upserted; everything else came with the start.
    expect(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toHaveLength(1);
    expect(events.length).toBeLessThanOrEqual(12);
    const sa = (await handle.describe()).typedSearchAttributes;
    expect(sa.get(SA.eventType)).toBe('github.issues.opened');
    expect(sa.get(SA.connectionId)).toBe(github);
    expect(sa.get(SA.automationVersion)).toBe(1);
    expect(sa.get(SA.status)).toBe('completed');

    const again = await post(delivery);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ duplicate: true, ...res.json });
  });

  it('a new version applies to the next delivery at once, while started runs keep theirs', async () => {
    const { id: automationId } = await createAutomation(stack, { ...flow('v1'), name: 'pinned', steps: [{ id: 'wait', type: 'wait', duration: '2s' }, ...flow('v1').steps] });
    const first = randomUUID();
    expect((await post(first)).status).toBe(202);
    const updated = await stack.api(`/api/v1/automations/${automationId}`, { method: 'PUT', json: { ...flow('v2'), name: 'pinned' } });
    expect(updated.status).toBe(200);
    const second = randomUUID();
    expect((await post(second)).status).toBe(202);

    const runOf = (d: string) => runWorkflowId(automationId, eventWorkflowId('github', github, d));
    const one = await waitForRun(stack, runOf(first), (r) => r.status === 'completed', 'the v1 run');
    const two = await waitForRun(stack, runOf(second), (r) => r.status === 'completed', 'the v2 run');
    expect(one.version).toBe(1);
    expect(one.steps.map((s) => s.id)).toEqual(['wait', 'log']);
    expect(two.version).toBe(2);
    expect(two.steps.map((s) => s.id)).toEqual(['log']);
  });

  it('an event nobody subscribes to is still recorded by the event workflow', async () => {
    const delivery = randomUUID();
    const res = await post(delivery, 'closed');
    expect(res.status).toBe(202);
    expect(res.json['workflowId']).toBe(eventWorkflowId('github', github, delivery));
    const handle = stack.services.temporal.client.workflow.getHandle(eventWorkflowId('github', github, delivery));
    const sa = (await handle.describe()).typedSearchAttributes;
    expect(sa.get(SA.eventType)).toBe('github.issues.closed');
    expect(await handle.result()).toEqual({ eventId: delivery, type: 'github.issues.closed', runs: [] });
    // Intake found no subscriber in the database itself: the event workflow looked nothing up again.
    const markers = ((await handle.fetchHistory()).events ?? []).map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean);
    expect(markers).not.toContain('core_local_activity');
  });

  it('starts an automation another process saved a moment ago, though this process still has the subscriptions from before', async () => {
    // Loaded into this process's subscriptions: nobody subscribes to reopened issues.
    expect((await post(randomUUID(), 'reopened')).status).toBe(202);
    // Saved as another API process would: this process's cached subscriptions are not dropped.
    const elsewhere = new AutomationService({ orm: stack.services.orm, temporal: undefined, connectors: stack.services.connectors });
    const saved = await elsewhere.create({ ...flow('reopened'), name: 'log reopened issues', trigger: { type: 'webhook', connection: github, events: ['github.issues.reopened'] } });
    const delivery = randomUUID();
    expect((await post(delivery, 'reopened')).status).toBe(202);
    const run = await waitForRun(stack, runWorkflowId(saved.id, eventWorkflowId('github', github, delivery)), (r) => r.status === 'completed', 'the new automation to run');
    expect(run.status).toBe('completed');
  });
});
