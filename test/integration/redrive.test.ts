/**
 * Dead letters and re-drive on the real dev server: a run failed by a provider outage
 * (a local fake answering 500) is listed as failed, re-driven from the API and from an
 * MCP tool once the fake recovers, and completes; lineage shows both ways.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun, type RunBody } from '../support/runs.ts';
import { createAutomationsClient } from '../../src/client/http-api.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

type Lineage = RunBody & { input: unknown; trigger: { type: string }; redriveOf?: string; redrivenBy: string[] };

describe('dead letters and re-drive', () => {
  let stack: TestStack;
  let fake: FakeServer;
  let mcp: Client;
  let down = true;
  let automationId = '';
  let http = '';

  const definition = (path: string) => ({
    name: 'flaky-provider',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'send',
        type: 'action',
        connection: http,
        action: 'request',
        input: { method: 'POST', url: `${fake.url}${path}`, body: { n: '{{ input.n }}' } },
        retry: { initialInterval: '100ms', maxAttempts: 2 },
      },
    ],
  });
  const failedRun = async (n: number): Promise<string> => {
    down = true;
    const { body } = await startRun(stack, automationId, { n });
    await waitForRun(stack, body.workflowId, (r) => r.status === 'failed', 'the run to fail on the outage', 45_000);
    return body.workflowId;
  };
  const read = async (workflowId: string) => (await getRun(stack, workflowId)) as Lineage;
  const redrive = async (workflowId: string, json: unknown = {}) => {
    const res = await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}/redrive`, { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as { workflowId: string; redriveOf: string; version: number; duplicate: boolean; error?: { code: string } } };
  };

  beforeAll(async () => {
    fake = await fakeServer((req, res) => (down ? sendJson(res, 500, { error: 'outage' }) : sendJson(res, 200, { ok: true, path: req.url })));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    http = await createTestConnection(stack.services, 'http', {}, {});
    automationId = (await createAutomation(stack, definition('/v1'))).id;
    mcp = new Client({ name: 'test-agent', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TEST_API_KEY}` } } }));
  });
  afterAll(async () => {
    await mcp?.close();
    await stack?.close();
    await fake?.close();
  });

  it('re-drives a failed run from the API once the provider recovers, linked both ways, once per source run', async () => {
    const source = await failedRun(5);
    const failed = await read(source);
    expect(failed.steps[0]).toMatchObject({ id: 'send', status: 'failed', attempts: 2, error: { code: 'UPSTREAM_5XX' } });
    expect(failed).toMatchObject({ input: { n: 5 }, trigger: { type: 'manual' }, redrivenBy: [] });
    expect(failed.redriveOf).toBeUndefined();
    // The dead-letter view.
    const dead = await waitFor(async () => {
      const res = await stack.api(`/api/v1/runs?status=failed&automationId=${automationId}`);
      const { items } = (await res.json()) as { items: { workflowId: string; status: string }[] };
      return items.some((r) => r.workflowId === source) ? items : undefined;
    }, 'the failed run in the dead-letter view');
    expect(dead.every((r) => r.status === 'failed')).toBe(true);

    // The provider recovers; the dead letter is sent again.
    down = false;
    const first = await redrive(source);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ redriveOf: source, version: 1, duplicate: false });
    expect(first.body.workflowId).not.toBe(source);
    const done = (await waitForRun(stack, first.body.workflowId, (r) => r.status === 'completed', 'the re-drive to complete')) as Lineage;
    expect(done).toMatchObject({ input: { n: 5 }, redriveOf: source, version: 1 });
    expect(fake.requests.at(-1)).toMatchObject({ url: '/v1', body: JSON.stringify({ n: 5 }) });
    const linked = await waitFor(async () => {
      const r = await read(source);
      return r.redrivenBy.length > 0 ? r : undefined;
    }, 'the source to list its re-drive');
    expect(linked.redrivenBy).toEqual([first.body.workflowId]);

    // Idempotent per source run; force starts another.
    const again = await redrive(source);
    expect(again.body).toMatchObject({ workflowId: first.body.workflowId, duplicate: true });
    const forced = await redrive(source, { force: true });
    expect(forced.body.duplicate).toBe(false);
    expect(forced.body.workflowId).not.toBe(first.body.workflowId);
    await waitForRun(stack, forced.body.workflowId, (r) => r.status === 'completed', 'the forced re-drive to complete');

    // A completed run, an unknown run, a bad body.
    expect((await redrive(first.body.workflowId)).status).toBe(409);
    expect((await redrive(`run:${automationId}:nope`)).status).toBe(404);
    expect((await redrive(source, { version: 'latest' })).status).toBe(400);
    expect((await redrive(source, { versoin: 'current' })).status).toBe(400);
  });

  it('re-drives from the MCP tool on the current version', async () => {
    const source = await failedRun(7);
    const res = await stack.api(`/api/v1/automations/${automationId}`, { method: 'PUT', json: definition('/v2') });
    expect(res.status).toBe(200);
    down = false;
    const out = await mcp.callTool({ name: 'redrive_run', arguments: { workflowId: source, version: 'current' } });
    expect(out.isError ?? false).toBe(false);
    const started = out.structuredContent as { workflowId: string; version: number; redriveOf: string };
    expect(started).toMatchObject({ version: 2, redriveOf: source });
    const done = (await waitForRun(stack, started.workflowId, (r) => r.status === 'completed', 'the MCP re-drive to complete')) as Lineage;
    expect(done).toMatchObject({ version: 2, redriveOf: source, input: { n: 7 } });
    expect(fake.requests.at(-1)).toMatchObject({ url: '/v2', body: JSON.stringify({ n: 7 }) });
    await waitFor(async () => ((await read(source)).redrivenBy.includes(started.workflowId) ? true : undefined), 'the source to list the MCP re-drive');
  });

  it('re-drives failed runs in bulk by filter, idempotent per source run (API, client, MCP)', async () => {
    const since = new Date().toISOString();
    const a = await failedRun(11);
    const b = await failedRun(12);
    await waitFor(async () => {
      const res = await stack.api(`/api/v1/runs?status=failed&automationId=${automationId}`);
      const { items } = (await res.json()) as { items: { workflowId: string }[] };
      return [a, b].every((id) => items.some((r) => r.workflowId === id)) ? true : undefined;
    }, 'both failed runs in visibility');
    down = false;
    const res = await stack.api('/api/v1/runs/redrive', { method: 'POST', json: { automationId, status: 'failed', since, limit: 10 } });
    expect(res.status).toBe(200);
    const bulk = (await res.json()) as { items: { workflowId: string; redriveOf: string; duplicate: boolean }[]; started: number; duplicates: number };
    expect(bulk).toMatchObject({ started: 2, duplicates: 0 });
    expect(bulk.items.map((i) => i.redriveOf).sort()).toEqual([a, b].sort());
    for (const i of bulk.items) await waitForRun(stack, i.workflowId, (r) => r.status === 'completed', 'a bulk re-drive to complete');

    const client = createAutomationsClient({ baseUrl: stack.baseUrl, apiKey: TEST_API_KEY });
    const again = await client.redriveRuns({ automationId, since, limit: 10 });
    expect(again).toMatchObject({ started: 0, duplicates: 2 });
    expect(again.items.map((i) => i.workflowId).sort()).toEqual(bulk.items.map((i) => i.workflowId).sort());
    const viaMcp = await mcp.callTool({ name: 'redrive_failed_runs', arguments: { automationId, since, limit: 10 } });
    expect(viaMcp.structuredContent).toMatchObject({ started: 0, duplicates: 2 });

    const bad = await stack.api('/api/v1/runs/redrive', { method: 'POST', json: { status: 'completed', limit: 10 } });
    expect(bad.status).toBe(400);
    expect((await stack.api('/api/v1/runs/redrive', { method: 'POST', json: { status: 'failed' } })).status).toBe(400);
    expect((await stack.api('/api/v1/runs/redrive', { method: 'POST', json: { status: 'failed', limit: 1, automationID: automationId } })).status).toBe(400);
    // The literal path outranks /runs/:workflowId in the 405 answer.
    const wrong = await stack.api('/api/v1/runs/redrive', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});
