/**
 * Flow control on a real dev server (docs/concepts/flow-control.md): `concurrency` keyed
 * per customer lets one run per customer past its start while the others queue (and say
 * how many are ahead); approving, terminating or cancelling the holder releases the next
 * one in FIFO order. `priority` and `fairness` reach the run's workflow start.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { concurrencyKeeperId, concurrencyQueueQuery } from '../../workflows/automation/concurrency-contracts.ts';
import { createAutomation, waitFor } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const SECRET = 'flow-control-secret';
const CUSTOMERS = ['acme', 'globex', 'initech'] as const;

interface RunAnswer {
  status: string;
  concurrency?: { key: string; status: 'queued' | 'running'; queuedBehind?: number };
  pendingApprovals: { stepId: string }[];
}

describe('flow control', () => {
  let stack: TestStack;
  let github: string;
  beforeAll(async () => {
    stack = await startTestStack();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (payload: Record<string, unknown>): Promise<string> => {
    const delivery = randomUUID();
    const body = JSON.stringify({ action: 'opened', issue: { number: 7 }, ...payload });
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
    expect(res.status).toBe(202);
    return delivery;
  };
  const run = async (workflowId: string): Promise<RunAnswer> => {
    const res = await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as RunAnswer;
  };

  it('runs one run per customer at a time; approving, terminating or cancelling the holder starts the next in line', { timeout: 240_000 }, async () => {
    const { id } = await createAutomation(stack, {
      name: 'one per customer',
      priority: 4,
      concurrency: { limit: 1, key: '{{ trigger.payload.customer }}' },
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [
        { id: 'review', type: 'approval', timeout: '1h', onTimeout: 'reject' },
        { id: 'done', type: 'transform', output: '{{ trigger.payload.n }}' },
      ],
    });
    // Three deliveries per customer, interleaved: each customer's runs in delivery order.
    const runs: Record<string, string[]> = { acme: [], globex: [], initech: [] };
    // FIFO is the order requests reach the key's keeper: each run is seen by its keeper
    // (holding or in line) before the next delivery for any customer.
    for (let n = 0; n < 3; n++) {
      for (const customer of CUSTOMERS) {
        const delivery = await post({ customer, n });
        const workflowId = runWorkflowId(id, eventWorkflowId('github', github, delivery));
        runs[customer]!.push(workflowId);
        await waitFor(async () => {
          const r = await run(workflowId);
          return r.status === 'waiting_approval' || r.concurrency?.queuedBehind !== undefined;
        }, `${customer}'s run ${n} seen by its keeper`);
      }
    }
    const all = Object.values(runs).flat();
    /** The invariant: per customer, at most one run is past its start (not queued and not closed). */
    const assertOnePerCustomer = async (): Promise<Record<string, RunAnswer[]>> => {
      const views: Record<string, RunAnswer[]> = {};
      for (const customer of CUSTOMERS) {
        views[customer] = await Promise.all(runs[customer]!.map(run));
        const active = views[customer].filter((r) => ['running', 'waiting_approval'].includes(r.status));
        expect(active.length, `${customer}: ${JSON.stringify(views[customer].map((r) => r.status))}`).toBeLessThanOrEqual(1);
        const keeper = await stack.services.temporal.client.workflow.getHandle(concurrencyKeeperId(id, customer)).query(concurrencyQueueQuery);
        expect(keeper.holders.length).toBeLessThanOrEqual(1);
      }
      return views;
    };
    const settled = (check: (v: Record<string, RunAnswer[]>) => boolean, what: string) =>
      waitFor(
        async () => {
          const v = await assertOnePerCustomer();
          return check(v) ? v : undefined;
        },
        what,
        90_000,
      );

    const first = await settled(
      (v) => CUSTOMERS.every((c) => v[c]![0]!.status === 'waiting_approval' && v[c]![1]!.concurrency?.queuedBehind === 1 && v[c]![2]!.concurrency?.queuedBehind === 2),
      'the first run of each customer waiting for approval, the others queued behind it',
    );
    expect(first['acme']![1]).toMatchObject({ status: 'queued', concurrency: { key: 'acme', status: 'queued', queuedBehind: 1 } });
    expect(first['acme']![0]!.concurrency).toEqual({ key: 'acme', status: 'running' });
    // The webhook start carries the automation's priority.
    const described = await stack.services.temporal.client.workflow.getHandle(all[0]!).describe();
    expect(described.raw.workflowExecutionInfo?.priority?.priorityKey).toBe(4);

    // Approving acme's holder completes it and starts acme's second run; the third stays queued.
    const decided = await stack.api(`/api/v1/runs/${encodeURIComponent(runs['acme']![0]!)}/approvals/review`, { method: 'POST', json: { decision: 'approve' } });
    expect(decided.status).toBe(200);
    await settled(
      (v) => v['acme']![0]!.status === 'completed' && v['acme']![1]!.status === 'waiting_approval' && v['acme']![2]!.concurrency?.queuedBehind === 1,
      "acme's second run released by the approval",
    );

    // A terminated holder frees its slot: the keeper watches every holder until it closes.
    await stack.services.temporal.client.workflow.getHandle(runs['globex']![0]!).terminate('test: holder terminated');
    await settled((v) => v['globex']![0]!.status === 'terminated' && v['globex']![1]!.status === 'waiting_approval', "globex's second run after its holder was terminated");

    // A cancelled holder too; and a queued run that is terminated while it waits loses its turn, not the slot.
    await stack.services.temporal.client.workflow.getHandle(runs['initech']![1]!).terminate('test: queued run terminated');
    expect((await stack.api(`/api/v1/runs/${encodeURIComponent(runs['initech']![0]!)}/cancel`, { method: 'POST' })).status).toBe(202);
    const last = await settled(
      (v) => v['initech']![0]!.status === 'cancelled' && v['initech']![2]!.status === 'waiting_approval',
      "initech's third run after its holder was cancelled and the second terminated while queued",
    );
    expect(last['initech']![1]!.status).toBe('terminated');
    // Nobody else moved: globex's third run still waits behind its second.
    expect((await run(runs['globex']![2]!)).concurrency?.queuedBehind).toBe(1);
    for (const id of all) await stack.services.temporal.client.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined);
  });

  it('fails a run clearly when its key renders to nothing, instead of leaving it stuck', async () => {
    const { id } = await createAutomation(stack, {
      name: 'keyed by a missing field',
      concurrency: { limit: 1, key: '{{ trigger.payload.customer }}' },
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [{ id: 'done', type: 'transform', output: 1 }],
    });
    const delivery = await post({ tenant: 'no customer field' });
    const handle = stack.services.temporal.client.workflow.getHandle(runWorkflowId(id, eventWorkflowId('github', github, delivery)));
    const failure = await waitFor(() => handle.result().then(() => undefined, (err: unknown) => err as { cause?: { type?: string; message?: string } }), 'the failed run');
    expect(failure.cause?.type).toBe('CONCURRENCY_KEY_INVALID');
    expect(failure.cause?.message).toMatch(/^concurrency\.key could not be rendered: .*trigger\.payload\.customer is undefined/);
  });

  it('starts runs with the priority and fairness of the automation, overridable per run start', async () => {
    const { id } = await createAutomation(stack, {
      name: 'prioritised',
      priority: 2,
      fairness: { key: '{{ input.tenant }}', weight: 3 },
      trigger: { type: 'manual' },
      steps: [{ id: 'done', type: 'transform', output: 'ok' }],
    });
    const start = async (body: Record<string, unknown>) => {
      const res = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: body });
      expect(res.status).toBe(202);
      const { workflowId } = (await res.json()) as { workflowId: string };
      const handle = stack.services.temporal.client.workflow.getHandle(workflowId);
      await handle.result();
      return (await handle.describe()).raw.workflowExecutionInfo?.priority;
    };
    expect(await start({ input: { tenant: 'acme' } })).toMatchObject({ priorityKey: 2, fairnessKey: 'acme', fairnessWeight: 3 });
    expect(await start({ input: { tenant: 'acme' }, priority: 1, fairness: { key: 'batch', weight: 0.5 } })).toMatchObject({ priorityKey: 1, fairnessKey: 'batch', fairnessWeight: 0.5 });
    // A fairness key that renders to nothing falls back to the automation id.
    expect(await start({ input: {} })).toMatchObject({ fairnessKey: id });
  });

  it('answers 400 with the path for bad flow control', async () => {
    const base = { name: 'bad flow control', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1 }] };
    const cases: [Record<string, unknown>, string][] = [
      [{ concurrency: { limit: 0 } }, 'concurrency.limit'],
      [{ concurrency: { limit: 1001 } }, 'concurrency.limit'],
      [{ concurrency: { limit: 1, key: '{{ trigger.payload.( }}' } }, 'concurrency.key'],
      [{ concurrency: { limit: 1, key: '{{ steps.a.output }}' } }, 'concurrency.key'],
      [{ priority: 6 }, 'priority'],
      [{ priority: 0 }, 'priority'],
      [{ fairness: { key: '{{ ) }}' } }, 'fairness.key'],
      [{ fairness: { key: 'x', weight: 0 } }, 'fairness.weight'],
    ];
    for (const [extra, path] of cases) {
      const res = await stack.api('/api/v1/automations', { method: 'POST', json: { ...base, ...extra } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      const body = (await res.json()) as { error: { details?: { path: string }[] } };
      expect(body.error.details?.map((d) => d.path.replace(/^body\./, '')), JSON.stringify(extra)).toContain(path);
    }
    const { id } = await createAutomation(stack, base);
    const res = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { priority: 9 } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('priority');
  });
});
