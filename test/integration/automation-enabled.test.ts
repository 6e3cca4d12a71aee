/**
 * `enabled: false` on an automation: a webhook automation records its events but starts
 * no runs, on both routes (intake and the event workflow's resolver); enabling it starts
 * runs for new deliveries. A schedule is paused and resumed with it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { scheduleIdOf } from '../../src/automations/schedules.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { createAutomation, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'enabled-secret';

describe('automations on and off (enabled)', () => {
  let stack: TestStack;
  let github: string;
  let logging: string;
  const post = (delivery: string) => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 7 } });
    return deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
  };
  const definition = (enabled: boolean) => ({
    name: 'log opened issues',
    enabled,
    trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
    steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'opened' } }],
  });
  beforeAll(async () => {
    stack = await startTestStack();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    logging = await createTestConnection(stack.services, 'logging', {});
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a disabled webhook automation records the event, starts nothing, and starts runs again once enabled', async () => {
    const { id } = await createAutomation(stack, definition(false));
    const off = randomUUID();
    expect((await post(off)).status).toBe(202);
    // The event workflow asks the worker's resolver again: it must not start the run either.
    const eventHandle = stack.services.temporal.client.workflow.getHandle(eventWorkflowId('github', github, off));
    await eventHandle.result();
    const runs = async () => ((await (await stack.api(`/api/v1/runs?automationId=${id}`)).json()) as { items: unknown[] }).items;
    expect(await runs()).toHaveLength(0);
    await expect(stack.services.temporal.client.workflow.getHandle(runWorkflowId(id, eventWorkflowId('github', github, off))).describe()).rejects.toThrow();
    const events = await waitFor(async () => {
      const items = ((await (await stack.api(`/api/v1/events?connectionId=${github}`)).json()) as { items: { deliveryId: string; noSubscriber: boolean; disabledAutomations?: string[] }[] }).items;
      return items.find((e) => e.deliveryId === off);
    }, 'the recorded event');
    expect(events).toMatchObject({ noSubscriber: true, disabledAutomations: [id] });

    const res = await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: definition(true) });
    expect(res.status).toBe(200);
    const on = randomUUID();
    expect((await post(on)).status).toBe(202);
    await waitForRun(stack, runWorkflowId(id, eventWorkflowId('github', github, on)), (r) => r.status === 'completed', 'the run of the enabled automation');
    expect(await runs()).toHaveLength(1);
  });

  it('a disabled schedule is paused; enabling resumes it', async () => {
    const schedule = (enabled: boolean) => ({ name: 'nightly', enabled, trigger: { type: 'schedule', cron: '0 3 * * *' }, steps: [{ id: 'a', type: 'transform', output: 1 }] });
    const { id } = await createAutomation(stack, schedule(false));
    const handle = stack.services.temporal.client.schedule.getHandle(scheduleIdOf(id));
    expect((await handle.describe()).state.paused).toBe(true);
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: schedule(true) })).status).toBe(200);
    expect((await handle.describe()).state.paused).toBe(false);
    expect((await stack.api(`/api/v1/automations/${id}`, { method: 'PUT', json: schedule(false) })).status).toBe(200);
    expect((await handle.describe()).state.paused).toBe(true);
  });

  it('answers 400 with the path for a non-boolean enabled', async () => {
    const res = await stack.api('/api/v1/automations', { method: 'POST', json: { ...schedule0(), enabled: 'no' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('enabled');
  });
});

const schedule0 = () => ({ name: 'bad', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1 }] });
