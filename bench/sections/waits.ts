/**
 * `wait_for_event`: N runs park on distinct keys, then N matching events resume them.
 * - Switchboard: an automation whose one step waits for `github.pull_request.closed` with
 *   the run's PR number; each event is a signed GitHub delivery to the real endpoint (no
 *   subscriber: intake looks the waiters up in the index, signals them and records the
 *   delivery as a row of `event_records`, no event workflow). Latency: from sending the
 *   delivery to the run's close.
 * - raw Temporal, the hand-written equivalent: `rawWaitForEvent` workflows with ids derived
 *   from the key; each event is the same signed delivery to a node:http endpoint that
 *   verifies it and signals the workflow the PR number names (`handle.signal`). Also shown:
 *   raw resumed by a bare `handle.signal` from the load generator (no HTTP at all).
 * Latency: from sending to the run's close (the result awaited from the send on), in three
 * alternating rounds per side; the sender's answer is timed apart.
 * Then the cost of an event that wakes nobody (a PR number no run waits on, N runs parked)
 * against a delivery without subscribers of a type nothing waits on (`pull_request.opened`),
 * in alternating rounds on the same server: history events of the event workflow and
 * latency until it closes.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { EventWait } from '../../src/db/entities/index.ts';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { eventWorkflowId } from '../../src/temporal/constants.ts';
import { closeHttp, figure, latencyFigures, log, RAW_TASK_QUEUE, rawClient, rawSignedEndpoint, rawWorker, Sample, switchboardStack, waitFor, type SectionResult, withCleanup, WEBHOOK_SECRET } from '../lib.ts';
import { rawEvent } from '../raw/workflows.ts';

export interface WaitsOptions {
  parked: number;
  concurrency: number;
}

const prBody = (action: 'closed' | 'opened', pr: number) =>
  JSON.stringify({ action, number: pr, pull_request: { number: pr, merged: action === 'closed', title: `bench ${pr}` }, repository: { full_name: 'acme/bench' } });
const closedBody = (pr: number) => prBody('closed', pr);

export async function waitsSection(server: DevServer, dbPath: string, opts: WaitsOptions): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: true });
    await rawWorker(server.address, cleanup);
    const raw: Client = await rawClient(server.address, cleanup);
    const client = sb.services.temporal.client;
    const github = await sb.addConnection('github', { webhookSecret: WEBHOOK_SECRET });
    const automationId = await sb.addAutomation({
      name: 'bench: wait for a closed PR',
      trigger: { type: 'manual' },
      steps: [{ id: 'closed', type: 'wait_for_event', event: 'github.pull_request.closed', key: '{{ input.pr }}', eventKey: 'payload.pull_request.number', timeout: '1d' }],
    });
    const runner = await sb.apiClient('bench-runner', ['runs:write']);
    const url = `${sb.url}/webhooks/github/${github}`;
    // The raw version of the job: its own endpoint verifies the same signature and signals the
    // workflow whose id the PR number names, with the event.
    const rawHttp = await rawSignedEndpoint(async (payload, delivery) => {
      const pr = (payload as { number: number }).number;
      await raw.workflow.getHandle(`raw-hook:pr:${pr}`).signal(rawEvent, { type: 'github.pull_request.closed', payload, deliveryId: delivery });
      return {};
    });
    cleanup.add(() => closeHttp(rawHttp.server));
    /** Sends a signed `pull_request` delivery (`closed` unless said; to Switchboard, or to `to`); returns the delivery id. */
    const sendClosed = async (pr: number, to = url, action: 'closed' | 'opened' = 'closed'): Promise<string> => {
      const delivery = randomUUID();
      const body = prBody(action, pr);
      const res = await fetch(to, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': delivery, 'x-hub-signature-256': signGithubPayload(body, WEBHOOK_SECRET) },
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`delivery answered ${res.status}`);
      return delivery;
    };
    /** A delivery that starts and resumes nothing: latency until its event workflow closes, and its history length. */
    const quietEvent = async (action: 'closed' | 'opened', pr: number, into: Sample, events: number[]) => {
      const t = performance.now();
      const handle = client.workflow.getHandle(eventWorkflowId('github', github, await sendClosed(pr, url, action)));
      await handle.result();
      into.latencies.push(performance.now() - t);
      events.push((await handle.describe()).historyLength);
    };
    /** `n` such deliveries, `concurrency` at a time, into `side`. */
    const quiet = async (action: 'closed' | 'opened', from: number, n: number, side = { sample: new Sample(), events: [] as number[] }) => {
      const began = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: opts.concurrency }, async () => {
        while (next < n) await quietEvent(action, from + next++, side.sample, side.events);
      }));
      side.sample.seconds += (performance.now() - began) / 1000;
      return side;
    };
    const quietCount = Math.min(400, opts.parked);

    log('waits: warming up…');
    await quiet('opened', 9_000_000, 20);

    log(`waits: parking ${opts.parked} runs per side on distinct keys…`);
    const prs = Array.from({ length: opts.parked }, (_, i) => 1 + i);
    const sbRuns = new Map<number, string>();
    const rawIds = new Map<number, string>();
    let parkedSb = 0;
    await new Sample().run(opts.parked, opts.concurrency, async () => {
      const pr = prs[parkedSb++]!;
      sbRuns.set(pr, (await runner.startRun(automationId, { pr })).workflowId);
    });
    const rawHookIds = new Map<number, string>();
    for (const [prefix, ids] of [['raw-wait', rawIds], ['raw-hook', rawHookIds]] as const) {
      let parkedRaw = 0;
      await new Sample().run(opts.parked, opts.concurrency, async () => {
        const pr = prs[parkedRaw++]!;
        const id = `${prefix}:pr:${pr}`;
        await raw.workflow.start('rawWaitForEvent', { taskQueue: RAW_TASK_QUEUE, workflowId: id, args: [{ timeoutMs: 24 * 3600_000 }] });
        ids.set(pr, id);
      });
    }
    await waitFor(`${opts.parked} registered waits`, async () => (await sb.services.orm.em.fork().count(EventWait, {})) >= opts.parked);

    // Let the parking's workflow tasks drain and warm up; then, with the runs parked, deliveries
    // of a closed PR nobody waits on (the index is looked up: a key, no wait) against deliveries
    // of an opened PR (no wait on that type: no key, no look-up), neither subscribed, in
    // alternating rounds with the side going first alternating.
    await new Promise((r) => setTimeout(r, 15_000));
    await quiet('closed', 9_150_000, 20);
    log(`waits: ${quietCount} deliveries per side that wake nobody / have nothing waiting on their type, with ${opts.parked} runs parked…`);
    const noWakeSide = { sample: new Sample(), events: [] as number[] };
    const baselineSide = { sample: new Sample(), events: [] as number[] };
    const quietRounds = 8;
    for (let r = 0; r < quietRounds; r++) {
      const n = Math.floor(quietCount / quietRounds) + (r < quietCount % quietRounds ? 1 : 0);
      const from = 9_200_000 + r * 1_000;
      const order = r % 2 === 0 ? (['closed', 'opened'] as const) : (['opened', 'closed'] as const);
      for (const action of order) await quiet(action, from, n, action === 'closed' ? noWakeSide : baselineSide);
    }
    const perDelivery = (side: { events: number[] }) => side.events.reduce((a, b) => a + b, 0) / side.events.length;
    const noWake = { stats: noWakeSide.sample.stats(), eventsPerDelivery: perDelivery(noWakeSide) };
    const baseline = { stats: baselineSide.sample.stats(), eventsPerDelivery: perDelivery(baselineSide) };

    log(`waits: resuming ${opts.parked} runs per side at concurrency ${opts.concurrency}…`);
    const queues = { switchboard: [...prs], hook: [...prs], signal: [...prs] };
    const sides = { switchboard: new Sample(), hook: new Sample(), signal: new Sample() };
    const answers = { switchboard: new Sample(), hook: new Sample(), signal: new Sample() };
    const sentAt = new Map<string, number>();
    const resumeOne = (c: Client, ids: Map<number, string>, queue: number[], send: (pr: number) => Promise<unknown>) => () => {
      const pr = queue.shift()!;
      const handle = c.workflow.getHandle(ids.get(pr)!);
      sentAt.set(handle.workflowId, Date.now());
      return { closed: handle.result(), sent: send(pr) };
    };
    // Rounds alternating (three per side), so drifting load hits every side alike.
    const rounds = 3;
    for (let r = 0; r < rounds; r++) {
      const n = Math.floor(opts.parked / rounds) + (r < opts.parked % rounds ? 1 : 0);
      await resumeRound(n, opts.concurrency, sides.switchboard, answers.switchboard, resumeOne(client, sbRuns, queues.switchboard, (pr) => sendClosed(pr)));
      await resumeRound(n, opts.concurrency, sides.hook, answers.hook, resumeOne(raw, rawHookIds, queues.hook, (pr) => sendClosed(pr, rawHttp.url)));
      await resumeRound(n, opts.concurrency, sides.signal, answers.signal, resumeOne(raw, rawIds, queues.signal, (pr) =>
        raw.workflow.getHandle(rawIds.get(pr)!).signal(rawEvent, { type: 'github.pull_request.closed', payload: JSON.parse(closedBody(pr)), deliveryId: randomUUID() }),
      ));
    }
    const resume = { switchboard: sides.switchboard.stats(), raw: sides.hook.stats() };
    const bare = { switchboard: sides.switchboard.stats(), raw: sides.signal.stats() };
    const phases = {
      switchboard: await phasesOf(client, [...sbRuns.values()], sentAt),
      'raw webhook': await phasesOf(raw, [...rawHookIds.values()], sentAt),
      'raw signal': await phasesOf(raw, [...rawIds.values()], sentAt),
    };
    for (const [side, p] of Object.entries(phases)) {
      log(`waits: ${side}: where a resume's time goes (p50 / p99 ms): send→signal ${p.toSignal.p50.toFixed(0)} / ${p.toSignal.p99.toFixed(0)}, signal→close ${p.toClose.p50.toFixed(0)} / ${p.toClose.p99.toFixed(0)} (its workflow task queued ${p.taskQueued.p50.toFixed(0)} / ${p.taskQueued.p99.toFixed(0)}, run ${p.taskRun.p50.toFixed(0)} / ${p.taskRun.p99.toFixed(0)}); workflow tasks from the signal to the close: ${p.tasksAfterSignal.toFixed(2)} on average`);
    }
    const left = await sb.services.orm.em.fork().count(EventWait, {});
    const note = `${opts.parked} parked per side, concurrency ${opts.concurrency}, ${rounds} alternating rounds; from sending to the run's close. Switchboard: signed delivery → intake (verify, index look-up, signal, a row in event_records that records the delivery); raw: a signed delivery to a node:http endpoint that verifies it and signals the workflow the PR names`;
    return {
      figures: [
        ...latencyFigures('waits', 'resume latency', resume, { p50: '≤ 1.3', p99: '≤ 1.3' }, note),
        figure('waits', "sender's answer p50", 'ms', answers.switchboard.stats().p50, answers.hook.stats().p50, '—', "the delivery's 202 (Switchboard: after the signal and the delivery's record)"),
        ...latencyFigures('waits', 'resume latency against a bare signal', bare, { p50: '—', p99: '—' }, 'raw: handle.signal from the load generator (no HTTP, no verification)'),
        figure('waits', 'event waking nobody: history events', 'events', noWake.eventsPerDelivery, baseline.eventsPerDelivery, '≤ 1.1', `"raw" column: a delivery without subscribers of a type nothing waits on (pull_request.opened), in ${quietRounds} alternating rounds; ${opts.parked} runs parked`),
        figure('waits', 'event waking nobody: latency p50', 'ms', noWake.stats.p50, baseline.stats.p50, '≤ 1.1', 'delivery to event workflow close'),
      ],
      detail: { resume, bare, answer: { switchboard: answers.switchboard.stats(), rawWebhook: answers.hook.stats(), rawSignal: answers.signal.stats() }, phases, baseline, noWake, registrationsLeft: left },
    };
  });
}

/**
 * `n` resumes, `concurrency` at a time: each awaits its run's result from the moment it sends
 * (the delivery, or raw's signal), so its latency runs from the send to the run's close
 * whatever the sender's answer took (the delivery's answer — after the event workflow's
 * start — is timed apart, in `answers`).
 */
async function resumeRound(n: number, concurrency: number, into: Sample, answers: Sample, resume: () => { closed: Promise<unknown>; sent: Promise<unknown> }): Promise<void> {
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        next++;
        const t = performance.now();
        const { closed, sent } = resume();
        const answered = sent.then(() => answers.latencies.push(performance.now() - t));
        await closed;
        into.latencies.push(performance.now() - t);
        await answered;
      }
    }),
  );
  into.seconds += (performance.now() - began) / 1000;
  answers.seconds += (performance.now() - began) / 1000;
}

/**
 * Where a resume's time goes, from a sample of the resumed runs' histories: from sending
 * (the delivery, or raw's signal) until the signal is in the run's history, and from there
 * until the run closed (server clock; the same machine).
 */
async function phasesOf(client: Client, workflowIds: string[], sentAt: Map<string, number>) {
  const samples = { toSignal: new Sample(), toClose: new Sample(), taskQueued: new Sample(), taskRun: new Sample() };
  /** Workflow tasks from the signal to the close (1 when the signal's task ends the run). */
  const tasks: number[] = [];
  for (const id of workflowIds.slice(0, 200)) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const at = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
    const signal = events[at];
    const closed = events.at(-1);
    if (!signal?.eventTime || !closed?.eventTime || !sentAt.has(id)) continue;
    samples.toSignal.latencies.push(tsToMs(signal.eventTime) - sentAt.get(id)!);
    samples.toClose.latencies.push(tsToMs(closed.eventTime) - tsToMs(signal.eventTime));
    const after = events.slice(at);
    tasks.push(after.filter((e) => e.workflowTaskCompletedEventAttributes).length);
    // The workflow task the signal scheduled: time in the queue, and from its start to its completion.
    const started = after.find((e) => e.workflowTaskStartedEventAttributes);
    const completed = after.find((e) => e.workflowTaskCompletedEventAttributes);
    if (started?.eventTime && completed?.eventTime) {
      samples.taskQueued.latencies.push(tsToMs(started.eventTime) - tsToMs(signal.eventTime));
      samples.taskRun.latencies.push(tsToMs(completed.eventTime) - tsToMs(started.eventTime));
    }
  }
  for (const s of Object.values(samples)) s.seconds = 1;
  return { toSignal: samples.toSignal.stats(), toClose: samples.toClose.stats(), taskQueued: samples.taskQueued.stats(), taskRun: samples.taskRun.stats(), tasksAfterSignal: tasks.reduce((a, b) => a + b, 0) / Math.max(1, tasks.length) };
}
