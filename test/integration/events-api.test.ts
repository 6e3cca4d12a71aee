/**
 * Recorded webhook deliveries read back from Temporal visibility: a delivery that
 * started a run, one no automation subscribed to, an unparsed one; filters, detail
 * with payload, and a redelivery to today's subscribers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { createAutomation, waitFor, waitForRun } from '../support/runs.ts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { duplicateCountFailures } from '../../src/metrics/metrics.ts';
import { createAutomationsClient } from '../../src/client/http-api.ts';
import { SwitchboardClient } from '../../src/client/index.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'events-secret';

interface EventBody {
  id: string;
  deliveryId: string;
  type: string;
  connector: string;
  connectionId: string;
  receivedAt: string;
  payload?: unknown;
  unparsed: boolean;
  noSubscriber: boolean;
  runs: { workflowId: string; automationId?: string; status: string }[];
  duplicates: number;
}

describe('events API', () => {
  let stack: TestStack;
  let github: string;
  let logging: string;
  let automationId = '';
  const opened = randomUUID();
  const closed = randomUUID();
  const garbled = randomUUID();

  async function post(delivery: string, body: string) {
    return deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
  }
  const list = async (query: string) => {
    const res = await stack.api(`/api/v1/events?${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: EventBody[] }).items;
  };
  const ids = (items: EventBody[]) => items.map((e) => e.deliveryId);

  beforeAll(async () => {
    stack = await startTestStack();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    logging = await createTestConnection(stack.services, 'logging', {});
    automationId = (
      await createAutomation(stack, {
        name: 'log opened issues',
        trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
        steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'opened' } }],
      })
    ).id;
    expect((await post(opened, JSON.stringify({ action: 'opened', issue: { number: 5 } }))).status).toBe(202);
    expect((await post(closed, JSON.stringify({ action: 'closed', issue: { number: 6 } }))).status).toBe(202);
    expect((await post(garbled, '{not json')).status).toBe(202);
    await waitForRun(stack, runWorkflowId(automationId, eventWorkflowId('github', github, opened)), (r) => r.status === 'completed', 'the run to complete');
    await waitFor(async () => (ids(await list(`connectionId=${github}`)).length === 3 ? true : undefined), 'three recorded events');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists deliveries newest first with payload, type, connection and runs, grouped per event', async () => {
    const items = await list(`connector=github&connectionId=${github}`);
    expect(ids(items)).toEqual([garbled, closed, opened]);
    const first = items.find((e) => e.deliveryId === opened)!;
    expect(first).toMatchObject({
      id: eventWorkflowId('github', github, opened),
      type: 'github.issues.opened',
      connector: 'github',
      connectionId: github,
      payload: { action: 'opened', issue: { number: 5 } },
      unparsed: false,
      noSubscriber: false,
      runs: [{ workflowId: runWorkflowId(automationId, eventWorkflowId('github', github, opened)), automationId, status: 'completed' }],
    });
    expect(Date.parse(first.receivedAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(items.find((e) => e.deliveryId === closed)).toMatchObject({ type: 'github.issues.closed', noSubscriber: true, runs: [] });
  });

  it('filters by type, unparsed, no subscriber, time and limit', async () => {
    expect(ids(await list(`connectionId=${github}&type=github.issues.closed`))).toEqual([closed]);
    const unparsed = await list(`connectionId=${github}&unparsed=true`);
    expect(unparsed).toMatchObject([{ deliveryId: garbled, type: 'github.unparsed', unparsed: true, payload: { raw: '{not json' } }]);
    expect(ids(await list(`connectionId=${github}&noSubscriber=true`))).toEqual([garbled, closed]);
    expect(await list(`connectionId=${github}&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect(ids(await list(`connectionId=${github}&until=${encodeURIComponent(new Date().toISOString())}`))).toHaveLength(3);
    expect(ids(await list(`connectionId=${github}&limit=1`))).toEqual([garbled]);
    expect(await list('connectionId=nobody')).toEqual([]);
    expect((await stack.api('/api/v1/events?since=yesterday')).status).toBe(400);
    // Before 1970 means from the beginning (visibility stores take nothing earlier).
    expect(ids(await list(`connectionId=${github}&since=0807-08-24T03%3A06%3A32-01%3A58`))).toHaveLength(3);
    // Offsets are normalised to UTC for the visibility query.
    expect(ids(await list(`connectionId=${github}&since=${encodeURIComponent('2000-01-01T05:00:00+05:00')}`))).toHaveLength(3);
  });

  it('shows one event with its payload and runs, 404 for an unknown one', async () => {
    const id = eventWorkflowId('github', github, opened);
    const res = await stack.api(`/api/v1/events/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, type: 'github.issues.opened', payload: { action: 'opened', issue: { number: 5 } }, runs: [{ automationId }] });
    const none = await stack.api(`/api/v1/events/${encodeURIComponent(eventWorkflowId('github', github, 'nope'))}`);
    expect(none.status).toBe(404);
    expect((await stack.api('/api/v1/events/not-an-event')).status).toBe(404);
  });

  it("redelivers a recorded event to today's subscribers", async () => {
    // An automation that subscribes to closed issues only from now on.
    const { id: later } = await createAutomation(stack, {
      name: 'log closed issues',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.closed'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'closed' } }],
    });
    const id = eventWorkflowId('github', github, closed);
    const res = await stack.api(`/api/v1/events/${encodeURIComponent(id)}/redeliver`, { method: 'POST' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { eventId: string; runs: { workflowId: string; automationId: string }[] };
    expect(body).toMatchObject({ eventId: id, runs: [{ automationId: later }] });
    const run = (await waitForRun(stack, body.runs[0]!.workflowId, (r) => r.status === 'completed', 'the redelivered run to complete')) as { trigger?: { event?: { id: string; payload: unknown } } };
    expect(run.trigger?.event).toMatchObject({ id: closed, payload: { action: 'closed', issue: { number: 6 } } });
    const detail = (await (await stack.api(`/api/v1/events/${encodeURIComponent(id)}`)).json()) as EventBody;
    expect(detail.runs.map((r) => r.workflowId)).toEqual([body.runs[0]!.workflowId]);
    expect((await stack.api(`/api/v1/events/${encodeURIComponent(eventWorkflowId('github', github, 'nope'))}/redeliver`, { method: 'POST' })).status).toBe(404);
  });

  it('client methods and MCP tools read and redeliver events', async () => {
    const client = createAutomationsClient({ baseUrl: stack.baseUrl, apiKey: TEST_API_KEY });
    expect((await client.listEvents({ connectionId: github, unparsed: true })).map((e) => e.deliveryId)).toEqual([garbled]);
    const id = eventWorkflowId('github', github, opened);
    expect(await client.getEvent(id)).toMatchObject({ id, type: 'github.issues.opened' });
    const mcp = new Client({ name: 'test-agent', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TEST_API_KEY}` } } }));
    try {
      const listed = await mcp.callTool({ name: 'list_events', arguments: { connectionId: github, type: 'github.issues.opened' } });
      expect(listed.structuredContent).toMatchObject({ events: [{ id, payload: { action: 'opened' } }] });
      const redelivered = await mcp.callTool({ name: 'redeliver_event', arguments: { eventId: id } });
      const { runs } = redelivered.structuredContent as { runs: { workflowId: string; automationId: string }[] };
      expect(runs).toMatchObject([{ automationId }]);
      await waitForRun(stack, runs[0]!.workflowId, (r) => r.status === 'completed', 'the MCP redelivery to complete');
    } finally {
      await mcp.close();
    }
    const viaClient = await client.redeliverEvent(id);
    expect(viaClient.runs).toHaveLength(1);
    expect(viaClient.runs[0]!.workflowId).not.toBe(runWorkflowId(automationId, id));
  });

  it('needs events:read to read and runs:write to redeliver', async () => {
    const mint = async (scopes: string[]) => {
      const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: `k ${scopes.join(' ')}`, principal: 'ops', scopes } });
      expect(res.status).toBe(201);
      return ((await res.json()) as { key: string }).key;
    };
    const as = (key: string, path: string, init: RequestInit = {}) => fetch(`${stack.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${key}` } });
    const runsOnly = await mint(['runs:read']);
    const events = await mint(['events:read']);
    const id = encodeURIComponent(eventWorkflowId('github', github, opened));
    expect((await as(runsOnly, '/api/v1/events')).status).toBe(403);
    expect((await as(runsOnly, `/api/v1/events/${id}`)).status).toBe(403);
    expect((await as(events, `/api/v1/events?connectionId=${github}`)).status).toBe(200);
    expect((await as(events, `/api/v1/events/${id}/redeliver`, { method: 'POST' })).status).toBe(403);
  });

  it('groups an event workflow with the runs it started itself; such an event has subscribers', async () => {
    const sb = new SwitchboardClient({ temporal: stack.services.temporal.client, taskQueue: stack.config.temporal.taskQueue });
    const emitted = await sb.emitEvent({ type: 'github.issues.opened', connector: 'github', connectionId: github, payload: { action: 'opened', issue: { number: 9 } } });
    const id = eventWorkflowId('github', github, emitted.eventId);
    await waitForRun(stack, runWorkflowId(automationId, id), (r) => r.status === 'completed', 'the routed child run to complete');
    const found = await waitFor(async () => {
      const e = (await list(`connectionId=${github}&type=github.issues.opened`)).find((x) => x.id === id);
      return e && e.runs.length > 0 ? e : undefined;
    }, 'the emitted event with its run');
    expect(found).toMatchObject({ noSubscriber: false, payload: { issue: { number: 9 } }, runs: [{ workflowId: runWorkflowId(automationId, id), automationId }] });
    expect(ids(await list(`connectionId=${github}&noSubscriber=true`))).not.toContain(emitted.eventId);
  });

  it('counts duplicate deliveries (same delivery id, answered 200 with the same ids) per event', async () => {
    const repeated = randomUUID(); // subscribed: starts a run
    const unrouted = randomUUID(); // no subscriber: recorded by its event workflow
    const body = JSON.stringify({ action: 'opened', issue: { number: 11 } });
    const labeled = JSON.stringify({ action: 'labeled', issue: { number: 12 } });
    const first = await post(repeated, body);
    expect(first.status).toBe(202);
    for (let i = 0; i < 2; i++) {
      const again = await post(repeated, body);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ duplicate: true, workflowId: (first.json as { workflowId: string }).workflowId });
    }
    expect((await post(unrouted, labeled)).status).toBe(202);
    expect((await post(unrouted, labeled)).status).toBe(200);

    const id = eventWorkflowId('github', github, repeated);
    const found = await waitFor(async () => (await list(`connectionId=${github}`)).find((e) => e.id === id), 'the repeated event listed');
    expect(found.duplicates).toBe(2);
    const items = await list(`connectionId=${github}`);
    expect(items.find((e) => e.deliveryId === unrouted)?.duplicates).toBe(1);
    expect(items.find((e) => e.deliveryId === closed)?.duplicates).toBe(0);
    const detail = (await (await stack.api(`/api/v1/events/${encodeURIComponent(id)}`)).json()) as EventBody;
    expect(detail.duplicates).toBe(2);

    // A counter that cannot be written never changes the answer: logged and counted instead.
    const failures = async () => (await duplicateCountFailures.get()).values.find((v) => v.labels.connector === 'github')?.value ?? 0;
    const before = await failures();
    const conn = stack.services.orm.em.getConnection();
    await conn.execute('alter table event_duplicates rename to event_duplicates_away');
    try {
      const again = await post(repeated, body);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ duplicate: true });
    } finally {
      await conn.execute('alter table event_duplicates_away rename to event_duplicates');
    }
    expect(await failures()).toBe(before + 1);
    expect((await list(`connectionId=${github}`)).find((e) => e.id === id)?.duplicates).toBe(2);
  });
});
