/**
 * Polling triggers end to end: a `feed` automation polls an RSS file served on
 * 127.0.0.1 through its Temporal Schedule (polls triggered on demand here). The first
 * poll starts from "now"; 3 new items start 3 runs; the worker stopped and restarted
 * between polls loses nothing and repeats nothing; an item edited in place (same guid)
 * starts no run; an interval below the minimum is refused at save.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAutomation, getRun, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

interface Item {
  guid: string;
  title: string;
}

function rss(items: Item[]): string {
  const entries = items
    .map((i, n) => `<item><title>${i.title}</title><link>https://blog.example/${i.guid}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>${new Date(Date.UTC(2026, 11, 1 + n)).toUTCString()}</pubDate></item>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example</title><link>https://blog.example/</link><description>d</description>${entries}</channel></rss>`;
}

describe('feed polling trigger', () => {
  let stack: TestStack;
  let server: Server;
  let feedUrl = '';
  const file = join(mkdtempSync(join(tmpdir(), 'sb-feed-')), 'feed.xml');
  let items: Item[] = [
    { guid: 'post-1', title: 'First' },
    { guid: 'post-2', title: 'Second' },
  ];
  const publish = () => writeFile(file, rss(items));
  /** Answers queued for the next requests, before the file is served again. */
  const faults: { status: number; headers?: Record<string, string>; body: string }[] = [];
  const requestTimes: number[] = [];

  beforeAll(async () => {
    await publish();
    server = createServer((_req, res) => {
      requestTimes.push(Date.now());
      const fault = faults.shift();
      if (fault) return void res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end(fault.body);
      void readFile(file).then((body) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
    stack = await startTestStack({ dialect: 'sqlite', env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  const temporal = () => stack.services.temporal;
  /** Triggers the automation's schedule once and waits for that poll to finish. */
  const pollOnce = async (automationId: string, whileStopped?: () => Promise<void>) => {
    const schedule = temporal().client.schedule.getHandle(`automation:${automationId}`);
    const before = (await schedule.describe()).info.recentActions.length;
    await schedule.trigger();
    const action = await waitFor(async () => (await schedule.describe()).info.recentActions[before], 'the poll to start');
    await whileStopped?.();
    const result: unknown = await temporal().client.workflow.getHandle(action.action.workflow.workflowId).result();
    // Overlapping polls are skipped: the next trigger must find this one closed.
    await waitFor(async () => (await schedule.describe()).info.runningActions.length === 0, 'the schedule to see the poll close');
    return result;
  };
  const runIds = async (automationId: string) => {
    const ids: string[] = [];
    for await (const wf of temporal().client.workflow.list({ query: `WorkflowId STARTS_WITH "run:${automationId}:poll:"` })) ids.push(wf.workflowId);
    return ids.sort();
  };

  it('starts one run per new item, from now; restarts lose and repeat nothing; an edit in place is no new item', { timeout: 120_000 }, async () => {
    const connection = await createTestConnection(stack.services, 'feed', {});
    const { id } = await createAutomation(stack, {
      name: 'blog to log',
      trigger: { type: 'poll', connection, trigger: 'new_items', interval: '1h', config: { url: feedUrl } },
      steps: [{ id: 'note', type: 'transform', output: { title: '{{ trigger.payload.title }}', link: '{{ trigger.payload.link }}' } }],
    });
    const first = await pollOnce(id);
    expect(first).toEqual({ runs: 0, newIds: 2 });
    expect(await runIds(id)).toEqual([]);

    items = [...items, { guid: 'post-3', title: 'Third' }, { guid: 'post-4', title: 'Fourth' }, { guid: 'post-5', title: 'Fifth' }];
    await publish();
    expect(await pollOnce(id)).toEqual({ runs: 3, newIds: 3 });
    const three = ['post-3', 'post-4', 'post-5'].map((g) => `run:${id}:poll:${g}`);
    await waitFor(async () => (await runIds(id)).length === 3, 'three runs in visibility');
    expect(await runIds(id)).toEqual(three);
    const run = await waitFor(async () => {
      const r = await getRun(stack, three[0]!);
      return r?.status === 'completed' ? r : undefined;
    }, 'the first run to complete');
    expect(run.steps.find((s) => s.id === 'note')!.output).toEqual({ title: 'Third', link: 'https://blog.example/post-3' });

    // The worker goes away; the next poll is due while it is down; an item appears and one is edited in place.
    await stack.stopWorker();
    items = [...items.map((i) => (i.guid === 'post-3' ? { ...i, title: 'Third (edited)' } : i)), { guid: 'post-6', title: 'Sixth' }];
    await publish();
    await pollOnce(id, () => stack.startWorker());
    await waitFor(async () => (await runIds(id)).length === 4, 'the fourth run');
    // A poll that sees nothing new starts nothing.
    expect(await pollOnce(id)).toEqual({ runs: 0, newIds: 0 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await runIds(id)).toEqual([...three, `run:${id}:poll:post-6`]);
  });

  it('honours Retry-After on a 429 inside the poll; a feed that is not RSS fails that poll clearly and the next poll retries', { timeout: 120_000 }, async () => {
    const connection = await createTestConnection(stack.services, 'feed', {});
    const { id } = await createAutomation(stack, {
      name: 'blog with faults',
      trigger: { type: 'poll', connection, trigger: 'new_items', interval: '1h', config: { url: feedUrl } },
      steps: [{ id: 'note', type: 'transform', output: '{{ trigger.payload.title }}' }],
    });
    await pollOnce(id);
    items = [...items, { guid: 'post-7', title: 'Seventh' }];
    await publish();
    faults.push({ status: 429, headers: { 'retry-after': '3' }, body: 'slow down' });
    const before = requestTimes.length;
    expect(await pollOnce(id)).toEqual({ runs: 1, newIds: 1 });
    const times = requestTimes.slice(before);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(2_900);

    items = [...items, { guid: 'post-8', title: 'Eighth' }];
    await publish();
    faults.push({ status: 200, body: 'this is not a feed' });
    await expect(pollOnce(id)).rejects.toMatchObject({ cause: { cause: { type: 'INVALID_INPUT', message: expect.stringContaining('is not RSS or Atom') } } });
    expect(await pollOnce(id)).toEqual({ runs: 1, newIds: 1 });
    await waitFor(async () => (await runIds(id)).includes(`run:${id}:poll:post-8`), 'the run of the item after the failed poll');
  });

  it('refuses an interval below the minimum and a trigger the connector does not have (400 with paths)', async () => {
    const connection = await createTestConnection(stack.services, 'feed', {});
    const save = (trigger: Record<string, unknown>) =>
      stack.api('/api/v1/automations', { method: 'POST', json: { name: `bad ${Math.random()}`, trigger: { type: 'poll', connection, ...trigger }, steps: [{ id: 'x', type: 'transform', output: 1 }] } });
    const fast = await save({ trigger: 'new_items', interval: '2s', config: { url: feedUrl } });
    expect(fast.status).toBe(400);
    expect(JSON.stringify(await fast.json())).toContain('below the minimum poll interval of 10s');
    const unknown = await save({ trigger: 'nope', config: { url: feedUrl } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { details: [{ path: 'body.trigger.trigger', message: expect.stringContaining('has no polling trigger "nope" (it has: new_items)') }] } });
    const described = (await (await stack.api('/api/v1/connectors/feed')).json()) as { pollingTriggers: unknown[] };
    expect(described.pollingTriggers).toEqual([{ key: 'new_items', description: expect.any(String), interval: '5m', configSchema: expect.objectContaining({ required: ['url'] }) }]);
    const noUrl = await save({ trigger: 'new_items', config: {} });
    expect(noUrl.status).toBe(400);
    expect(await noUrl.json()).toMatchObject({ error: { details: [{ path: 'body.trigger.config.url' }] } });
  });

  it("starts each polled run with the automation's priority and the fairness key rendered over its item", { timeout: 120_000 }, async () => {
    const connection = await createTestConnection(stack.services, 'feed', {});
    const { id } = await createAutomation(stack, {
      name: 'prioritised blog',
      priority: 2,
      fairness: { key: '{{ trigger.payload.title }}', weight: 3 },
      trigger: { type: 'poll', connection, trigger: 'new_items', interval: '1h', config: { url: feedUrl } },
      steps: [{ id: 'note', type: 'transform', output: '{{ trigger.payload.title }}' }],
    });
    await pollOnce(id); // from now
    items = [...items, { guid: 'post-prio', title: 'Prioritised' }];
    await publish();
    expect(await pollOnce(id)).toMatchObject({ runs: 1 });
    const handle = temporal().client.workflow.getHandle(`run:${id}:poll:post-prio`);
    await handle.result();
    expect((await handle.describe()).raw.workflowExecutionInfo?.priority).toMatchObject({ priorityKey: 2, fairnessKey: 'Prioritised', fairnessWeight: 3 });
  });
});
