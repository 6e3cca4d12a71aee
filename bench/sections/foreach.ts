/**
 * `foreach`: a loop of `items` × one `logging.log` action at `concurrency`, against a raw
 * workflow running the same activity per item with a pool of the same size (`rawForeach`),
 * rounds alternating → items/s of each and the ratio (goal ≥ 0.8× raw). Then a loop of
 * `large` items with a transform body: it completes, and the largest history of any
 * execution it made (the run and its batch workflows) is printed against the 10,000-event goal.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { runWorkflowId } from '../../src/temporal/constants.ts';
import { figure, log, RAW_TASK_QUEUE, rawClient, rawWorker, switchboardStack, type SectionResult, withCleanup } from '../lib.ts';

export interface ForeachLoad {
  items: number;
  concurrency: number;
  rounds: number;
  large: number;
}

/** Largest history of a run and of every child workflow it started, recursively. */
async function largestHistory(client: Client, workflowId: string): Promise<{ executions: number; maxEvents: number }> {
  let executions = 0;
  let maxEvents = 0;
  const queue = [workflowId];
  while (queue.length) {
    const events = (await client.workflow.getHandle(queue.shift()!).fetchHistory()).events ?? [];
    executions++;
    maxEvents = Math.max(maxEvents, events.length);
    for (const e of events) if (e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId) queue.push(e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId);
  }
  return { executions, maxEvents };
}

export async function foreachSection(server: DevServer, dbPath: string, opts: ForeachLoad): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: true });
    const logging = await sb.addConnection('logging', {});
    const loopId = await sb.addAutomation({
      name: 'bench: foreach',
      trigger: { type: 'manual' },
      steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', concurrency: opts.concurrency, steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'item {{ item }}' } }] }],
    });
    const largeId = await sb.addAutomation({
      name: 'bench: foreach large',
      trigger: { type: 'manual' },
      steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', concurrency: opts.concurrency, steps: [{ id: 'sq', type: 'transform', output: '{{ item * item }}' }], output: '{{ steps.sq.output }}' }],
    });
    await rawWorker(server.address, cleanup);
    const raw = await rawClient(server.address, cleanup);
    const client = sb.services.temporal.client;
    const items = Array.from({ length: opts.items }, (_, i) => i);
    const start = (automationId: string, input: unknown) =>
      client.workflow.start('automationWorkflow', { taskQueue: sb.services.temporal.taskQueue, workflowId: runWorkflowId(automationId, randomUUID()), args: [{ automationId, version: 1, input, trigger: { type: 'manual' } }] });
    const last: { switchboard?: string; raw?: string } = {};
    const sides = {
      switchboard: async () => {
        const h = await start(loopId, { items });
        last.switchboard = h.workflowId;
        await h.result();
      },
      raw: async () => {
        const h = await raw.workflow.start('rawForeach', { taskQueue: RAW_TASK_QUEUE, workflowId: `raw-foreach:${randomUUID()}`, args: [{ items, concurrency: opts.concurrency, delivery: randomUUID() }] });
        last.raw = h.workflowId;
        await h.result();
      },
    };
    const rates: { switchboard: number[]; raw: number[] } = { switchboard: [], raw: [] };
    log(`foreach: warming up, then ${opts.rounds} round(s) of ${opts.items} items × one action at concurrency ${opts.concurrency} per side…`);
    await sides.switchboard();
    await sides.raw();
    for (let round = 0; round < opts.rounds; round++) {
      for (const side of round % 2 ? (['raw', 'switchboard'] as const) : (['switchboard', 'raw'] as const)) {
        const began = Date.now();
        await sides[side]();
        rates[side].push(opts.items / ((Date.now() - began) / 1000));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const itemsPerSecond = { switchboard: median(rates.switchboard), raw: median(rates.raw) };
    // What one loop costs the server and the worker, per item: history events, workflow tasks, activities.
    const perItem = async (c: Client, workflowId: string) => {
      const events = (await c.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      return {
        events: events.length / opts.items,
        workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length / opts.items,
        activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length / opts.items,
      };
    };
    const cost = { switchboard: await perItem(client, last.switchboard!), raw: await perItem(raw, last.raw!) };
    log(`foreach: per item, switchboard ${JSON.stringify(cost.switchboard)}, raw ${JSON.stringify(cost.raw)}`);

    log(`foreach: one loop of ${opts.large} items (transform body)…`);
    const began = Date.now();
    const large = await start(largeId, { items: Array.from({ length: opts.large }, (_, i) => i) });
    const out = (await large.result()).outputs['loop'] as { count: number };
    const largeSeconds = (Date.now() - began) / 1000;
    const sizes = await largestHistory(client, large.workflowId);
    log(`foreach: ${out.count} items in ${largeSeconds.toFixed(1)} s over ${sizes.executions} executions; largest history ${sizes.maxEvents} events`);
    return {
      figures: [
        figure('foreach', `${opts.items} items × 1 action, concurrency ${opts.concurrency}: items/s`, 'items/s', itemsPerSecond.switchboard, itemsPerSecond.raw, '≥ 0.8', 'median of rounds; raw: one workflow with a pool of the same size'),
        figure('foreach', 'history events per item', 'events', cost.switchboard.events, cost.raw.events, '—', 'one loop of the rounds per side'),
        figure('foreach', 'workflow tasks per item', 'tasks', cost.switchboard.workflowTasks, cost.raw.workflowTasks, '—'),
        figure('foreach', `${opts.large} items: largest history of any execution`, 'events', sizes.maxEvents, 10_000, '< 1', 'raw column: the 10,000-event goal'),
      ],
      detail: { ...opts, itemsPerSecond, rates, cost, large: { items: out.count, seconds: largeSeconds, ...sizes } },
    };
  });
}
