/**
 * Concurrency keys across worker crashes (docs/concepts/flow-control.md): runs of one key
 * start in the order they were started (FIFO by start time), even when their slot requests
 * reach the keeper in the opposite order; SIGKILL of the worker while runs hold and wait for
 * slots loses none: after a restart every run completes, the limit is never exceeded and no
 * slot is leaked. The worker is the real `switchboard worker` command in a child process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concurrencyKeeperId, concurrencyQueueQuery, requestSlotSignal } from '../../workflows/automation/concurrency-contracts.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

const CUSTOMERS = ['acme', 'globex'] as const;

describe('concurrency keys across a worker SIGKILL', () => {
  let stack: TestStack;
  const workers: WorkerProcess[] = [];
  const spawn = async (): Promise<WorkerProcess> => {
    const w = spawnWorker(stack);
    workers.push(w);
    await w.ready;
    return w;
  };

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await stack?.close();
  });

  it('grants slots in start order, keeps the limit and leaks no slot when the worker is killed', { timeout: 540_000 }, async () => {
    const { id } = await createAutomation(stack, {
      name: 'one per customer, crash',
      concurrency: { limit: 1, key: '{{ input.customer }}' },
      trigger: { type: 'manual' },
      steps: [
        { id: 'review', type: 'approval', timeout: '1h', onTimeout: 'reject' },
        { id: 'done', type: 'transform', output: '{{ input.n }}' },
      ],
    });
    const client = stack.services.temporal.client;
    const start = async (customer: string, n: number): Promise<string> => {
      const res = await startRun(stack, id, { customer, n });
      expect(res.status).toBe(202);
      return res.body.workflowId;
    };

    let worker = await spawn();
    // The holders: one per customer, parked in their approval.
    const holders = Object.fromEntries(await Promise.all(CUSTOMERS.map(async (c) => [c, await start(c, 0)] as const)));
    for (const c of CUSTOMERS) await waitForRun(stack, holders[c]!, (r) => r.status === 'waiting_approval', `${c}'s holder parked`, 60_000);

    // SIGKILL while both hold their slot. Without a worker, the next runs are started but
    // cannot ask for a slot yet: acme's three in order, a little apart; globex's two.
    await worker.kill('SIGKILL');
    const waiting: Record<string, string[]> = { acme: [], globex: [] };
    for (let n = 1; n <= 3; n++) {
      waiting['acme']!.push(await start('acme', n));
      if (n <= 2) waiting['globex']!.push(await start('globex', n));
      await new Promise((r) => setTimeout(r, 50));
    }
    // acme's requests reach its keeper newest first (as a burst may): the keeper lines them up by start time.
    const startedAt = async (workflowId: string) => (await client.workflow.getHandle(workflowId).describe()).startTime.getTime();
    const keeper = client.workflow.getHandle(concurrencyKeeperId(id, 'acme'));
    for (const wf of [...waiting['acme']!].reverse()) await keeper.signal(requestSlotSignal, { workflowId: wf, limit: 1, startedAt: await startedAt(wf) });

    worker = await spawn();
    const all = [...Object.values(holders), ...Object.values(waiting).flat()];
    const order: Record<string, string[]> = { acme: [], globex: [] };
    /** Every customer's runs past their start: at most one at any moment; the one waiting for approval, if any. */
    const active = async (customer: string): Promise<string | undefined> => {
      const ids = [holders[customer]!, ...waiting[customer]!];
      const runs = await Promise.all(ids.map(async (wf) => ({ wf, r: await getRun(stack, wf) })));
      const past = runs.filter(({ r }) => r && ['running', 'waiting_approval'].includes(r.status));
      expect(past.length, `${customer}: ${JSON.stringify(runs.map(({ r }) => r?.status))}`).toBeLessThanOrEqual(1);
      const state = await client.workflow.getHandle(concurrencyKeeperId(id, customer)).query(concurrencyQueueQuery);
      expect(state.holders.length).toBeLessThanOrEqual(1);
      return past.find(({ r }) => r!.status === 'waiting_approval')?.wf;
    };
    const approve = async (wf: string) => {
      const res = await stack.api(`/api/v1/runs/${encodeURIComponent(wf)}/approvals/review`, { method: 'POST', json: { decision: 'approve' } });
      expect(res.status, await res.clone().text()).toBe(200);
    };

    // Release the runs one at a time per customer; kill the worker again half-way.
    let approvals = 0;
    let killedAgain = false;
    while (all.some((wf) => !order['acme']!.includes(wf) && !order['globex']!.includes(wf))) {
      for (const c of CUSTOMERS) {
        const next = await waitFor(async () => {
          if (order[c]!.length === 1 + waiting[c]!.length) return 'none';
          const wf = await active(c);
          return wf && !order[c]!.includes(wf) ? wf : undefined;
        }, `${c}'s next run to hold its slot`, 90_000);
        if (next === 'none') continue;
        order[c]!.push(next);
        await approve(next);
        approvals++;
      }
      if (approvals >= 4 && !killedAgain) {
        // Both customers' first waiting runs were just approved: the next ones hold or wait through the kill.
        await worker.kill('SIGKILL');
        killedAgain = true;
        worker = await spawn();
      }
    }
    expect(order['acme']).toEqual([holders['acme'], ...waiting['acme']!]);
    expect(order['globex']).toEqual([holders['globex'], ...waiting['globex']!]);
    for (const wf of all) await waitForRun(stack, wf, (r) => r.status === 'completed', `${wf} completed`, 60_000);

    // No slot leaked: each keeper holds nobody, and a new run gets its slot at once.
    for (const c of CUSTOMERS) {
      await waitFor(async () => {
        const s = await client.workflow.getHandle(concurrencyKeeperId(id, c)).query(concurrencyQueueQuery).catch(() => ({ holders: [], queue: [] }));
        return s.holders.length === 0 && s.queue.length === 0;
      }, `${c}'s keeper empty`, 60_000);
    }
    const again = await start('acme', 9);
    await waitForRun(stack, again, (r) => r.status === 'waiting_approval', 'a new run past its start at once', 60_000);

    // The runs are findable by their concurrency key.
    const listed = await stack.api(`/api/v1/runs?automationId=${id}&concurrencyKey=globex`);
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { items: { workflowId: string }[] };
    await waitFor(async () => {
      const res = await stack.api(`/api/v1/runs?automationId=${id}&concurrencyKey=globex`);
      const p = (await res.json()) as { items: { workflowId: string }[] };
      return p.items.length === 3 ? p : undefined;
    }, 'the globex runs listed by key', 30_000).then((p) => expect(p.items.map((r) => r.workflowId).sort()).toEqual([holders['globex']!, ...waiting['globex']!].sort()));
    expect(page.items.every((r) => !waiting['acme']!.includes(r.workflowId))).toBe(true);
    await client.workflow.getHandle(again).terminate('test cleanup');
  });
});
