/**
 * Flow control (docs/concepts/flow-control.md), each figure against a baseline of
 * Switchboard itself in the same run (the "raw temporal" column holds the baseline):
 * - `concurrency`: K keys × M runs of an automation with `concurrency: { limit: 1, key }`
 *   against the same automation without `concurrency`; runs/s from the first start to the
 *   last close, and whether each key's runs closed in the order they were started (FIFO).
 * - `fairness`: one worker activity slot; tenant A floods N runs, then tenant B starts B runs;
 *   B's start→close p50 with `fairness: { key: '{{ input.tenant }}' }` against the same
 *   automation without a fairness key.
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
import { figure, log, pct, switchboardStack, switchboardWorker, waitFor, WEBHOOK_SECRET, withCleanup, type SectionResult } from '../lib.ts';

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
    const plain = await sb.addAutomation({ name: 'bench: no limit', trigger: { type: 'manual' }, steps } as never);
    const api = await sb.apiClient('bench-runner', ['runs:write']);
    const total = opts.keys * opts.perKey;
    /** Starts every run (per key in order n = 0…M-1, keys interleaved), waits for all to close: runs/s and per-key order. */
    const measure = async (automationId: string) => {
      const began = Date.now();
      const started: { workflowId: string; customer: string; n: number }[] = [];
      for (let n = 0; n < opts.perKey; n++) {
        await Promise.all(
          Array.from({ length: opts.keys }, async (_, k) => {
            const workflowId = await startRun(api, automationId, { customer: `c${k}`, n });
            started.push({ workflowId, customer: `c${k}`, n });
          }),
        );
      }
      const runs = new Map((await closedRuns(sb.services, automationId, total)).map((r) => [r.workflowId, r]));
      const last = Math.max(...[...runs.values()].map((r) => r.close));
      // FIFO per key: each key's runs closed in the order they were started.
      let outOfOrder = 0;
      for (let k = 0; k < opts.keys; k++) {
        const mine = started.filter((s) => s.customer === `c${k}`).sort((a, b) => a.n - b.n).map((s) => runs.get(s.workflowId)!);
        for (let i = 1; i < mine.length; i++) if (mine[i]!.close < mine[i - 1]!.close) outOfOrder++;
      }
      const failed = [...runs.values()].filter((r) => r.status !== 'COMPLETED').length;
      return { runsPerSecond: total / ((last - began) / 1000), outOfOrder, failed };
    };
    log(`concurrency: ${opts.keys} keys × ${opts.perKey} runs, limit 1 per key, against no limit…`);
    const base = await measure(plain);
    const limited = await measure(keyed);
    log(`concurrency: keyed ${limited.runsPerSecond.toFixed(1)} runs/s (${limited.outOfOrder} out of order, ${limited.failed} failed); no limit ${base.runsPerSecond.toFixed(1)} runs/s`);
    return {
      figures: [
        figure('concurrency', `${total} runs, limit 1 per key × ${opts.keys} keys`, 'runs/s', limited.runsPerSecond, base.runsPerSecond, '—', `baseline: the same automation without concurrency; per-key order violations: ${limited.outOfOrder}`),
      ],
      detail: { ...opts, keyed: limited, noLimit: base },
    };
  });
}

export async function fairnessSection(server: DevServer, dbPath: string, opts: FairnessOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: false });
    // One activity slot: tenant A's flood backs up on the task queue.
    await switchboardWorker(sb.services, server.address, cleanup, { maxConcurrentActivityTaskExecutions: 1 });
    const logging = await sb.addConnection('logging', {});
    const steps = [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: '{{ input.tenant }}' } }];
    const fair = await sb.addAutomation({ name: 'bench: fair', trigger: { type: 'manual' }, fairness: { key: '{{ input.tenant }}' }, steps } as never);
    const unfair = await sb.addAutomation({ name: 'bench: no fairness key', trigger: { type: 'manual' }, steps } as never);
    const api = await sb.apiClient('bench-runner', ['runs:write']);
    const client = sb.services.temporal.client;
    /** Floods A, then starts B's runs; B's start→close latencies (ms). */
    const measure = async (automationId: string) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < opts.flood) await startRun(api, automationId, { tenant: 'a', n: next++ });
        }),
      );
      const latencies = await Promise.all(
        Array.from({ length: opts.small }, async (_, i) => {
          const t = Date.now();
          const workflowId = await startRun(api, automationId, { tenant: `b${i % 10}`, n: i });
          await client.workflow.getHandle(workflowId).result();
          return Date.now() - t;
        }),
      );
      await closedRuns(sb.services, automationId, opts.flood + opts.small);
      return latencies.sort((a, b) => a - b);
    };
    log(`fairness: tenant A floods ${opts.flood} runs, then ${opts.small} runs of ten B tenants, one activity slot…`);
    const without = await measure(unfair);
    const withKey = await measure(fair);
    const p50 = (xs: number[]) => pct(xs, 50);
    log(`fairness: B p50 ${p50(withKey)} ms with a fairness key, ${p50(without)} ms without`);
    return {
      figures: [figure('fairness', `B tenants' start→close p50 while A floods ${opts.flood}`, 'ms', p50(withKey), p50(without), '< 1', 'baseline: the same automation without a fairness key')],
      detail: { ...opts, withFairness: { p50: p50(withKey), p99: pct(withKey, 99) }, withoutFairness: { p50: p50(without), p99: pct(without, 99) } },
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
