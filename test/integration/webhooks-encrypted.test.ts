import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

describe('webhooks with payload encryption', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { SWITCHBOARD_PAYLOAD_ENCRYPTION: 'true' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('stores the delivered event encrypted and still routes it', async () => {
    const id = await createTestConnection(stack.services, 'github', { webhookSecret: 'enc' });
    const body = '{"action":"opened","issue":{"title":"secret-plan-4711"}}';
    const delivery = randomUUID();
    const res = await deliver(stack.baseUrl, `/webhooks/github/${id}`, body, { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': delivery, 'x-hub-signature-256': signGithubPayload(body, 'enc') });
    expect(res.status).toBe(202);
    const workflowId = String(res.json['workflowId']);
    expect(await stack.services.temporal.client.workflow.getHandle(workflowId).result()).toMatchObject({ type: 'github.issues.opened' });

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
      const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
      const input = started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      expect(Buffer.from(input.metadata!['encoding']!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(input.data!).toString('latin1')).not.toContain('secret-plan-4711');
    } finally {
      await connection.close();
    }
  });

  it('the events API shows the payload decoded through the client', async () => {
    const id = await createTestConnection(stack.services, 'github', { webhookSecret: 'enc' });
    const body = '{"action":"closed","issue":{"title":"secret-plan-4712"}}';
    const delivery = randomUUID();
    const res = await deliver(stack.baseUrl, `/webhooks/github/${id}`, body, { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': delivery, 'x-hub-signature-256': signGithubPayload(body, 'enc') });
    expect(res.status).toBe(202);
    const eventId = `wh:github:${id}:${delivery}`;
    const one = await stack.api(`/api/v1/events/${encodeURIComponent(eventId)}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: eventId, type: 'github.issues.closed', payload: { issue: { title: 'secret-plan-4712' } }, noSubscriber: true });
    const list = (await (await stack.api(`/api/v1/events?connectionId=${id}`)).json()) as { items: { payload: unknown }[] };
    expect(list.items).toMatchObject([{ payload: { action: 'closed' } }]);
  });
});
