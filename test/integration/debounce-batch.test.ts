/**
 * `debounce` and `batch` on webhook automations, over real HTTP against the dev server:
 * a burst of signed GitHub deliveries for one key collapses into one run with the last
 * payload and `debounced: <count>`; batches hand at most `maxSize` events to a run and
 * the rest after the timeout; every delivery is recorded and a redelivery is not counted
 * twice; bad settings answer 400 with the path.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { createAutomation, getRun, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'debounce-secret';

interface Listed {
  workflowId: string;
  status: string;
}

describe('debounce and batch', () => {
  let stack: TestStack;
  let github: string;
  let logging: string;
  const post = (connection: string, delivery: string, action: string, payload: Record<string, unknown>) => {
    const body = JSON.stringify({ action, ...payload });
    return deliver(stack.baseUrl, `/webhooks/github/${connection}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
  };
  const runsOf = async (automationId: string): Promise<Listed[]> =>
    ((await (await stack.api(`/api/v1/runs?automationId=${automationId}`)).json()) as { items: Listed[] }).items;
  const steps = () => [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'edited' } }];

  beforeAll(async () => {
    stack = await startTestStack();
    logging = await createTestConnection(stack.services, 'logging', {});
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('50 issues.edited deliveries for one issue within the period start one run with the last payload and debounced: 50', async () => {
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    const { id } = await createAutomation(stack, {
      name: 'debounced edits',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.edited'] },
      debounce: { key: '{{ trigger.payload.issue.number }}', period: '4s', maxWait: '5m' },
      priority: 2,
      fairness: { key: '{{ trigger.payload.issue.title }}' },
      steps: steps(),
    });
    const deliveries: string[] = [];
    for (let i = 1; i <= 50; i++) {
      const delivery = randomUUID();
      deliveries.push(delivery);
      const res = await post(github, delivery, 'edited', { issue: { number: 42, title: `title ${i}` }, seq: i });
      expect(res.status).toBe(202);
      // A redelivery of an accepted delivery is a duplicate: not counted again.
      if (i === 10) expect((await post(github, delivery, 'edited', { issue: { number: 42, title: `title ${i}` }, seq: i })).json).toMatchObject({ duplicate: true });
    }
    // Another issue: its own window and run.
    expect((await post(github, randomUUID(), 'edited', { issue: { number: 7, title: 'other' }, seq: 1 })).status).toBe(202);

    const runs = await waitFor(async () => {
      const items = await runsOf(id);
      return items.length >= 2 && items.every((r) => r.status === 'completed') ? items : undefined;
    }, 'the debounced runs', 60_000);
    // Nothing more starts later.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await runsOf(id)).toHaveLength(2);
    const views = await Promise.all(runs.map((r) => getRun(stack, r.workflowId)));
    const forIssue = (n: number) => views.find((v) => ((v as { input?: { issue?: { number?: number } } })?.input?.issue?.number === n)) as unknown as {
      workflowId: string;
      input: { seq: number; issue: { title: string } };
      trigger: { debounced: number; event: { id: string; payload: { seq: number } } };
    };
    const big = forIssue(42);
    expect(big.trigger.debounced).toBe(50);
    expect(big.trigger.event.payload.seq).toBe(50);
    expect(big.input.issue.title).toBe('title 50');
    expect(big.workflowId).toContain(deliveries[49]);
    expect(forIssue(7).trigger.debounced).toBe(1);
    // The run starts with the automation's priority and the fairness key of the event it carries.
    const described = await stack.services.temporal.client.workflow.getHandle(big.workflowId).describe();
    expect(described.raw.workflowExecutionInfo?.priority).toMatchObject({ priorityKey: 2, fairnessKey: 'title 50' });

    // Every delivery is recorded: as the run it started or as handed to the collector.
    const events = await waitFor(async () => {
      const items = ((await (await stack.api(`/api/v1/events?connectionId=${github}&limit=100`)).json()) as {
        items: { deliveryId: string; noSubscriber: boolean; collectingAutomations?: string[]; duplicates: number }[];
      }).items;
      return items.length === 51 ? items : undefined;
    }, 'the recorded deliveries');
    for (const e of events) expect(e.collectingAutomations).toEqual([id]);
    expect(events.every((e) => !e.noSubscriber)).toBe(true);
    expect(events.find((e) => e.deliveryId === deliveries[9])!.duplicates).toBe(1);
    // Collected runs carry their key: GET /runs filters by it.
    const byKey = ((await (await stack.api(`/api/v1/runs?automationId=${id}&triggerKey=42`)).json()) as { items: Listed[] }).items;
    expect(byKey.map((r) => r.workflowId)).toEqual([big.workflowId]);
  });

  it('batches hand at most maxSize events to a run, and the rest when the timeout elapses', async () => {
    const conn = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    const { id } = await createAutomation(stack, {
      name: 'batched edits',
      trigger: { type: 'webhook', connection: conn, events: ['github.issues.*'] },
      batch: { maxSize: 5, timeout: '3s' },
      steps: [{ id: 'count', type: 'transform', output: '{{ $count(trigger.events) }}' }],
    });
    const seqs: number[] = [];
    for (let i = 1; i <= 12; i++) {
      seqs.push(i);
      expect((await post(conn, randomUUID(), 'edited', { issue: { number: i }, seq: i })).status).toBe(202);
    }
    const runs = await waitFor(async () => {
      const items = await runsOf(id);
      const views = await Promise.all(items.filter((r) => r.status === 'completed').map((r) => getRun(stack, r.workflowId)));
      const got = views.flatMap((v) => ((v as unknown as { trigger: { events: { payload: { seq: number } }[] } }).trigger.events ?? []).map((e) => e.payload.seq));
      return got.length === 12 ? views : undefined;
    }, 'every event in a batch', 60_000);
    const sizes = runs.map((v) => (v as unknown as { trigger: { events: unknown[] } }).trigger.events.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
    const all = runs.flatMap((v) => (v as unknown as { trigger: { events: { payload: { seq: number } }[] } }).trigger.events.map((e) => e.payload.seq));
    expect(new Set(all).size).toBe(12);
    // The run sees the batch in templates and its input is the payloads.
    for (const v of runs) {
      const run = v as unknown as { steps: { output: unknown }[]; input: unknown[]; trigger: { events: unknown[] } };
      expect(run.steps[0]!.output).toBe(run.trigger.events.length);
      expect(run.input).toHaveLength(run.trigger.events.length);
    }
  });

  it('answers 400 with the path for bad debounce and batch settings', async () => {
    const conn = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    const webhook = { type: 'webhook', connection: conn, events: ['github.issues.edited'] };
    const cases: [Record<string, unknown>, string][] = [
      [{ trigger: webhook, debounce: { key: '{{ trigger.payload.issue.number }}', period: 'soon' } }, 'debounce.period'],
      [{ trigger: webhook, debounce: { key: '{{ trigger.payload.issue.number }}', period: '0s' } }, 'debounce.period'],
      [{ trigger: webhook, debounce: { key: '{{ trigger.payload.issue.number }}', period: '2d' } }, 'debounce.period'],
      [{ trigger: webhook, debounce: { key: '{{ trigger.payload.issue.number }}', period: '1m', maxWait: '30s' } }, 'debounce.maxWait'],
      [{ trigger: webhook, debounce: { key: '{{ trigger.payload.( }}', period: '1m' } }, 'debounce.key'],
      [{ trigger: { type: 'manual' }, debounce: { key: 'x', period: '1m' } }, 'debounce'],
      [{ trigger: { type: 'schedule', cron: '0 3 * * *' }, batch: { maxSize: 10, timeout: '10s' } }, 'batch'],
      [{ trigger: webhook, batch: { maxSize: 0, timeout: '10s' } }, 'batch.maxSize'],
      [{ trigger: webhook, batch: { maxSize: 5000, timeout: '10s' } }, 'batch.maxSize'],
      [{ trigger: webhook, batch: { maxSize: 10, timeout: '10 seconds' } }, 'batch.timeout'],
      [{ trigger: webhook, batch: { maxSize: 10, timeout: '48h' } }, 'batch.timeout'],
    ];
    for (const [fields, path] of cases) {
      const res = await stack.api('/api/v1/automations', { method: 'POST', json: { name: `bad ${path}`, steps: [{ id: 'a', type: 'transform', output: 1 }], ...fields } });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const body = (await res.json()) as { error: { details: { path: string }[] } };
      expect(body.error.details.map((d) => d.path), JSON.stringify(fields)).toContain(`body.${path}`);
    }
  });
});
