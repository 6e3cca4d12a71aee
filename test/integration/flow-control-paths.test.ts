/**
 * Flow control on every start path (docs/concepts/flow-control.md, docs/operations/limits.md):
 * a connection's outbound rate limit holds for connections computed by a template and for
 * runs that load their definition (a schedule's), which schedule their actions on the
 * connection's rate-limited queue; a scheduled run carries the automation's priority and
 * rendered fairness key. Checked in the runs' Temporal histories and descriptions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitedQueue } from '../../src/temporal/constants.ts';
import { createAutomation, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';

describe('flow control on every start path', () => {
  let stack: TestStack;
  let limited: string;
  let plain: string;
  let openai: FakeOpenAi;
  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKey: 'sk-good' });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    limited = await createTestConnection(stack.services, 'logging', {}, { rateLimit: { requests: 20, per: '1s' } });
    plain = await createTestConnection(stack.services, 'logging', {}, {});
    stack.services.connectionRateLimits.invalidate();
  });
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
  });

  /** The task queue of each `activity` (default `runConnectorAction`) the run scheduled, in order. */
  const actionQueues = async (workflowId: string, activity = 'runConnectorAction'): Promise<string[]> => {
    const history = await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === activity)
      .map((a) => a!.taskQueue!.name!);
  };
  const log = (connection: string, id: string) => ({ id, type: 'action', connection, action: 'log', input: { message: id } });

  it('routes a connection computed by a template to its rate-limited queue', async () => {
    const { id } = await createAutomation(stack, { name: 'templated connection', trigger: { type: 'manual' }, steps: [log('{{ input.conn }}', 'one'), log('{{ input.other }}', 'two')] });
    const res = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: { conn: limited, other: plain } } });
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };
    await stack.services.temporal.client.workflow.getHandle(workflowId).result();
    const taskQueue = stack.config.temporal.taskQueue;
    expect(await actionQueues(workflowId)).toEqual([rateLimitedQueue(taskQueue, limited), taskQueue]);
  });

  it('gives a scheduled run its priority, fairness key and rate-limited queue', async () => {
    const { id } = await createAutomation(stack, {
      name: 'scheduled, prioritised, limited',
      priority: 2,
      fairness: { key: '{{ input.tenant }}', weight: 2 },
      trigger: { type: 'schedule', cron: '30 2 * * *', input: { tenant: 'acme' } },
      steps: [log(limited, 'send')],
    });
    expect((await stack.api(`/api/v1/automations/${id}/schedule/trigger`, { method: 'POST', json: {} })).status).toBe(200);
    const workflowId = await waitFor(async () => {
      const res = await stack.api(`/api/v1/runs?automationId=${id}&triggerType=schedule`);
      const items = ((await res.json()) as { items: { workflowId: string; status: string }[] }).items;
      return items[0]?.status === 'completed' ? items[0].workflowId : undefined;
    }, 'the scheduled run to complete');
    const described = await stack.services.temporal.client.workflow.getHandle(workflowId).describe();
    expect(described.raw.workflowExecutionInfo?.priority).toMatchObject({ priorityKey: 2, fairnessKey: 'acme', fairnessWeight: 2 });
    expect(await actionQueues(workflowId)).toEqual([rateLimitedQueue(stack.config.temporal.taskQueue, limited)]);
  });

  it("sends an llm step's model call and its tool calls to the rate-limited queues of connections named by name", { timeout: 120_000 }, async () => {
    const res = await stack.api('/api/v1/connections', {
      method: 'POST',
      json: { connector: 'openai', name: 'limited model', config: { baseUrl: openai.baseUrl, model: 'fake-1', rateLimit: { requests: 20, per: '1s' } }, secrets: { apiKey: 'sk-good' } },
    });
    expect(res.status).toBe(201);
    const model = ((await res.json()) as { id: string }).id;
    stack.services.connectionRateLimits.invalidate();
    // The model asks for the tool once, then answers.
    openai.script.push({ toolCalls: [{ id: 'call_1', name: 'logging_log', arguments: { message: 'from the model' } }] }, { content: 'done' });
    const { id } = await createAutomation(stack, {
      name: 'llm on a limited connection',
      trigger: { type: 'manual' },
      steps: [{ id: 'ask', type: 'llm', connection: 'limited model', prompt: 'hi', tools: [{ connection: limited, action: 'log' }] }],
    });
    const started = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    await stack.services.temporal.client.workflow.getHandle(workflowId).result();
    const taskQueue = stack.config.temporal.taskQueue;
    expect(await actionQueues(workflowId, 'llmCall')).toEqual([rateLimitedQueue(taskQueue, model), rateLimitedQueue(taskQueue, model)]);
    expect(await actionQueues(workflowId)).toEqual([rateLimitedQueue(taskQueue, limited)]);
  });
});
