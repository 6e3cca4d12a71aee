/**
 * Flow control (docs/concepts/flow-control.md), against hand-written raw Temporal in the same run:
 * - `concurrency`: K keys × M runs of an automation with `concurrency: { limit: 1, key }`
 *   against raw runs under a hand-written per-key mutex workflow (bench/raw/workflows.ts
 *   `rawLock`/`rawLockedFlow`); runs/s from the first start to the last close, how many
 *   completed, and whether each key's runs closed in the order they were started (FIFO).
 * - `fairness`: N runs of one key and M runs of ten small keys queued with no worker, then a
 *   worker with one activity slot; the small keys' p50 wait ÷ the big key's (wait: worker
 *   start → close) with `fairness: { key: '{{ input.tenant }}' }`, against raw workflows
 *   started with `priority.fairnessKey` (and, in the notes, the automation without a key).
 * - `debounce`: N signed webhook deliveries over K keys within `debounce.period` → runs out
 *   (goal: exactly K, each with the last event), against a plain webhook automation (N runs).
 */
import { randomUUID } from 'node:crypto';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { AutomationService } from '../../src/automations/service.ts';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import type { AutomationsClient } from '../../src/client/http-api.ts';
import type { Services } from '../../src/services.ts';
import { startWorker } from '../../src/temporal/worker.ts';
import type { Client } from '@temporalio/client';
import { createRawActivities, createRawLockActivities } from '../raw/activities.ts';
import { Cleanup, figure, log, pct, RAW_TASK_QUEUE, rawClient, rawWorker, silentLogger, switchboardStack, waitFor, WEBHOOK_SECRET, withCleanup, type SectionResult } from '../lib.ts';

export interface ConcurrencyOptions {
  keys: number;
  perKey: number;
}
export interface FairnessOptions {
  flood: number;
  small: number;
}
export interface DebounceOptions {
  events: number;
  keys: number;
}

/** A run start through the API, retried after 1 s when the API answers 503 under load (as a caller would). */
async function startRun(api: AutomationsClient, automationId: string, input: unknown): Promise<string> {
  for (;;) {
    try {
      return (await api.startRun(automationId, input)).workflowId;
    } catch (err) {
      if ((err as { status?: number }).status !== 503) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The automation's runs, with start and close times (visibility; waits until `count` are closed). */
async function closedRuns(services: Services, automationId: string, count: number) {
  const query = `WorkflowType = '${WORKFLOW_TYPES.automation}' AND ${SA.automationId.name} = '${automationId}' AND ExecutionStatus != 'Running'`;
  await waitFor(`${count} closed runs of ${automationId}`, async () => (await services.temporal.client.workflow.count(query)).count >= count);
  const out: { workflowId: string; start: number; close: number; status: string }[] = [];
  for await (const w of services.temporal.client.workflow.list({ query })) {
    out.push({ workflowId: w.workflowId, start: w.startTime.getTime(), close: w.closeTime?.getTime() ?? NaN, status: w.status.name });
  }
  return out;
}

export async function concurrencySection(server: DevServer, dbPath: string, opts: ConcurrencyOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: true });
    const logging = await sb.addConnection('logging', {});
    const steps = [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: '{{ input.customer }} {{ input.n }}' } }];
    const keyed = await sb.addAutomation({ name: 'bench: one per customer', trigger: { type: 'manual' }, concurrency: { limit: 1, key: '{{ input.customer }}' }, steps } as never);
    const api = await sb.apiClient('bench-runner', ['runs:write']);
    // The raw version: a per-key mutex workflow (bench/raw/workflows.ts rawLock) and runs that acquire it, on the raw worker.
    const client = await rawClient(server.address, cleanup);
    await rawWorker(server.address, cleanup, { activities: { ...createRawActivities(silentLogger()), ...createRawLockActivities(client) } });
    const total = opts.keys * opts.perKey;
    /**
     * Starts every run (per key in order n = 0…M-1, keys interleaved, each wave of K starts
     * awaited before the next), waits for all to close: runs/s from the first start to the
     * last close, per-key order violations (a run closed before one of its key started earlier) and failures.
     */
    const measure = async (start: (customer: string, n: number) => Promise<string>, closed: () => Promise<Awaited<ReturnType<typeof closedRuns>>>) => {
      const began = Date.now();
      const started: { workflowId: string; customer: string; n: number }[] = [];
      for (let n = 0; n < opts.perKey; n++) {
        await Promise.all(
          Array.from({ length: opts.keys }, async (_, k) => {
            const workflowId = await start(`c${k}`, n);
            started.push({ workflowId, customer: `c${k}`, n });
          }),
        );
      }
      const runs = new Map((await closed()).map((r) => [r.workflowId, r]));
      const last = Math.max(...[...runs.values()].map((r) => r.close));
      // The runs (key and n) that closed before the run of their key started just before them.
      const violations: string[] = [];
      for (let k = 0; k < opts.keys; k++) {
        const mine = started.filter((s) => s.customer === `c${k}`).sort((a, b) => a.n - b.n);
        for (let i = 1; i < mine.length; i++) if (runs.get(mine[i]!.workflowId)!.close < runs.get(mine[i - 1]!.workflowId)!.close) violations.push(`c${k}#${mine[i]!.n}`);
      }
      const failed = [...runs.values()].filter((r) => r.status !== 'COMPLETED').length;
      return { runsPerSecond: total / ((last - began) / 1000), outOfOrder: violations.length, violations, failed, completed: runs.size - failed };
    };
    log(`concurrency: ${opts.keys} keys × ${opts.perKey} runs, limit 1 per key, against a raw per-key mutex workflow…`);
    const limited = await measure(
      (customer, n) => startRun(api, keyed, { customer, n }),
      () => closedRuns(sb.services, keyed, total),
    );
    const rawQuery = `WorkflowType = 'rawLockedFlow' AND ExecutionStatus != 'Running'`;
    const raw = await measure(
      async (customer, n) =>
        (await client.workflow.start('rawLockedFlow', { taskQueue: RAW_TASK_QUEUE, workflowId: `raw-locked:${customer}:${n}:${randomUUID()}`, args: [{ key: customer, delivery: randomUUID(), message: `${customer} ${n}` }] })).workflowId,
      () => closedByQuery(client, rawQuery, total),
    );
    log(`concurrency: switchboard ${limited.runsPerSecond.toFixed(1)} runs/s (${limited.completed}/${total} completed, ${limited.outOfOrder} out of order); raw mutex ${raw.runsPerSecond.toFixed(1)} runs/s (${raw.completed}/${total} completed, ${raw.outOfOrder} out of order)`);
    return {
      figures: [
        figure(
          'concurrency',
          `${total} runs, limit 1 per key × ${opts.keys} keys`,
          'runs/s',
          limited.runsPerSecond,
          raw.runsPerSecond,
          '≥ 0.8',
          `raw: a per-key mutex workflow (signal-with-start, FIFO grants by signal); completed ${limited.completed}/${total} (raw ${raw.completed}), per-key order violations ${limited.outOfOrder} (raw ${raw.outOfOrder})`,
        ),
      ],
      detail: { ...opts, switchboard: limited, raw },
    };
  });
}

/** Closed workflows of a visibility query with start and close times (waits until `count` are closed). */
async function closedByQuery(client: Client, query: string, count: number) {
  await waitFor(`${count} closed workflows (${query})`, async () => (await client.workflow.count(query)).count >= count);
  const out: { workflowId: string; start: number; close: number; status: string }[] = [];
  for await (const w of client.workflow.list({ query })) out.push({ workflowId: w.workflowId, start: w.startTime.getTime(), close: w.closeTime?.getTime() ?? NaN, status: w.status.name });
  return out;
}

/** p50 of each side's waits (ms): the big key's, the small keys', and their ratio (the issue's figure). */
function fairnessFigures(waits: { tenant: string; wait: number }[]) {
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const big = sorted(waits.filter((w) => w.tenant === 'a').map((w) => w.wait));
  const small = sorted(waits.filter((w) => w.tenant !== 'a').map((w) => w.wait));
  const bigP50 = pct(big, 50);
  const smallP50 = pct(small, 50);
  return { bigP50, smallP50, smallP99: pct(small, 99), ratio: smallP50 / bigP50 };
}

export async function fairnessSection(server: DevServer, dbPath: string, opts: FairnessOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    // No worker yet: each measurement queues every run first, then starts a worker with one activity slot.
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: false });
    const logging = await sb.addConnection('logging', {});
    const steps = [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: '{{ input.tenant }}' } }];
    const fair = await sb.addAutomation({ name: 'bench: fair', trigger: { type: 'manual' }, fairness: { key: '{{ input.tenant }}' }, steps } as never);
    const unfair = await sb.addAutomation({ name: 'bench: no fairness key', trigger: { type: 'manual' }, steps } as never);
    const api = await sb.apiClient('bench-runner', ['runs:write']);
    const client = await rawClient(server.address, cleanup);
    const oneSlot = { maxConcurrentActivityTaskExecutions: 1 };
    /**
     * Queues the big key's N runs (tenant `a`), then the small keys' M runs (tenants b0…b9
     * interleaved), 16 starts in flight, with no worker; then starts a worker with one activity
     * slot and waits for all to close. A run's wait: from the worker's start to the run's close.
     */
    const measure = async (start: (tenant: string, n: number) => Promise<string>, worker: () => Promise<() => Promise<void>>, closed: () => Promise<{ workflowId: string; close: number }[]>) => {
      const tenants = new Map<string, string>();
      const queue = async (count: number, tenant: (i: number) => string) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < count) {
              const i = next++;
              tenants.set(await start(tenant(i), i), tenant(i));
            }
          }),
        );
      };
      await queue(opts.flood, () => 'a');
      await queue(opts.small, (i) => `b${i % 10}`);
      const stop = await worker();
      const began = Date.now();
      try {
        const runs = await closed();
        return fairnessFigures(runs.filter((r) => tenants.has(r.workflowId)).map((r) => ({ tenant: tenants.get(r.workflowId)!, wait: r.close - began })));
      } finally {
        await stop();
      }
    };
    const total = opts.flood + opts.small;
    const switchboardWorkerOnce = async () => {
      const handle = await startWorker({ ...sb.services, address: server.address }, oneSlot);
      return () => handle.shutdown();
    };
    const switchboardRuns = (automationId: string) => measure((tenant, n) => startRun(api, automationId, { tenant, n }), switchboardWorkerOnce, () => closedRuns(sb.services, automationId, total));
    log(`fairness: ${opts.flood} queued runs of one key, ${opts.small} of ten small keys, one activity slot: switchboard, raw temporal, switchboard without a fairness key…`);
    const withKey = await switchboardRuns(fair);
    // The raw version: the same one-activity workflow started with Temporal's priority.fairnessKey.
    const raw = await measure(
      async (tenant, n) =>
        (await client.workflow.start('rawFlow', { taskQueue: RAW_TASK_QUEUE, workflowId: `raw-fair:${tenant}:${n}:${randomUUID()}`, args: [{ delivery: randomUUID(), payload: {} }], priority: { fairnessKey: tenant } })).workflowId,
      async () => {
        const c = new Cleanup();
        await rawWorker(server.address, c, oneSlot);
        return () => c.run();
      },
      () => closedByQuery(client, `WorkflowType = 'rawFlow' AND ExecutionStatus != 'Running'`, total),
    );
    const without = await switchboardRuns(unfair);
    const x = (f: { ratio: number }) => `×${f.ratio.toFixed(2)}`;
    log(`fairness: small keys' p50 wait ÷ big key's: switchboard ${x(withKey)} (${withKey.smallP50} / ${withKey.bigP50} ms), raw temporal ${x(raw)} (${raw.smallP50} / ${raw.bigP50} ms), switchboard without a fairness key ${x(without)}`);
    const note = 'raw: the same jobs started with priority.fairnessKey; wait = worker start → run close';
    return {
      figures: [
        figure('fairness', `small keys' p50 wait ÷ big key's (${opts.flood} + 10 × ${opts.small / 10} queued, one slot)`, '×', withKey.ratio, raw.ratio, '≤ 0.2 (switchboard)', `${note}; switchboard without a fairness key: ${x(without)}`),
        figure('fairness', "small keys' p50 wait", 'ms', withKey.smallP50, raw.smallP50, '—', note),
        figure('fairness', "big key's p50 wait", 'ms', withKey.bigP50, raw.bigP50, '—', note),
      ],
      detail: { ...opts, switchboard: withKey, raw, switchboardWithoutFairnessKey: without },
    };
  });
}

export async function debounceSection(server: DevServer, dbPath: string, opts: DebounceOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: true });
    const github = await sb.addConnection('github', { webhookSecret: WEBHOOK_SECRET });
    const trigger = { type: 'webhook', connection: github, events: ['github.issues.edited'] };
    const steps = [{ id: 'seen', type: 'transform', output: '{{ trigger.payload.seq }}' }];
    const debounced = await sb.addAutomation({ name: 'bench: debounced', trigger, debounce: { key: '{{ trigger.payload.issue.number }}', period: '5s' }, steps } as never);
    const url = `${sb.url}/webhooks/github/${github}`;
    const send = async (issue: number, seq: number) => {
      const body = JSON.stringify({ action: 'edited', issue: { number: issue }, seq, repository: { full_name: 'acme/bench' } });
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGithubPayload(body, WEBHOOK_SECRET) },
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`delivery answered ${res.status}`);
    };
    /** Sends N events over K keys (keys interleaved, 16 in flight); answers the runs out and the events/s in. */
    const measure = async (automationId: string, expected: number) => {
      const began = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < opts.events) {
            const seq = next++;
            await send(1 + (seq % opts.keys), seq);
          }
        }),
      );
      const eventsPerSecond = opts.events / ((performance.now() - began) / 1000);
      const runs = await closedRuns(sb.services, automationId, expected);
      // Each run carries the last event of its key (the highest seq sent for it).
      let lastEvents = 0;
      for (const r of runs) {
        const result = (await sb.services.temporal.client.workflow.getHandle(r.workflowId).result()) as { outputs: { seen: number } };
        const key = 1 + (result.outputs.seen % opts.keys);
        const lastSeq = Math.max(...Array.from({ length: opts.events }, (_, s) => s).filter((s) => 1 + (s % opts.keys) === key));
        if (result.outputs.seen === lastSeq) lastEvents++;
      }
      return { runs: runs.length, lastEvents, eventsPerSecond };
    };
    log(`debounce: ${opts.events} events over ${opts.keys} keys within the period, against a plain webhook automation…`);
    const collected = await measure(debounced, opts.keys);
    // The baseline: the same events to a plain automation (one run per event); the debounced one is deleted first.
    await new AutomationService({ orm: sb.services.orm, temporal: sb.services.temporal }).delete(debounced);
    const plain = await sb.addAutomation({ name: 'bench: one run per event', trigger, steps } as never);
    const perEvent = await measure(plain, opts.events);
    log(`debounce: ${collected.runs} runs (${collected.lastEvents} with their key's last event) from ${opts.events} events; plain: ${perEvent.runs} runs`);
    return {
      figures: [
        figure('debounce', `runs out of ${opts.events} events over ${opts.keys} keys`, 'runs', collected.runs, perEvent.runs, `= ${opts.keys} runs`, `${collected.lastEvents}/${collected.runs} runs with their key's last event; baseline: a plain webhook automation`),
        figure('debounce', 'intake', 'events/s', collected.eventsPerSecond, perEvent.eventsPerSecond, '—', 'baseline: a plain webhook automation'),
      ],
      detail: { ...opts, debounced: collected, plain: perEvent },
    };
  });
}
