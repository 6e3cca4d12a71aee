/**
 * A rolling upgrade with runs in flight, on a real dev server (`npm run test:upgrade`;
 * `.ci/run` runs it after `npm test`).
 *
 * Version A (the real workflow code) starts 1,000 automation runs through the runs
 * service: half park on an approval step, half are mid-flight in a multi-step flow with
 * `wait` steps. Version B (test/fixtures/version-b-workflows.ts: one extra activity before
 * the interpreter, which breaks replay of A's histories) becomes current through the code
 * path of `switchboard deploy`. A keeps serving its pinned runs (approvals decided, waits
 * elapsed) while new runs start on B; once A has drained it stops, and B serves alone.
 * Everything asserted is read from Temporal: every run completed, no failed workflow task
 * (so no non-determinism error) in any history, and which version completed each task.
 */
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRun } from '../../src/automations/runs.ts';
import { decide } from '../../src/approvals/decisions.ts';
import { AutomationService } from '../../src/automations/service.ts';
import { withTemporal } from '../../src/services.ts';
import { ApiError } from '../../src/errors.ts';
import { setCurrentVersion } from '../../src/temporal/deployment.ts';
import { startWorker, type WorkerHandle } from '../../src/temporal/worker.ts';
import { workflowInterceptorModules, workflowsPath } from '../../src/temporal/workflow-code.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { TemporalUnavailableError } from '../../src/errors.ts';

const EventType = temporal.api.enums.v1.EventType;
const Behavior = temporal.api.enums.v1.VersioningBehavior;
type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

const VERSION_B_WORKFLOWS = fileURLToPath(new URL('../fixtures/version-b-workflows.ts', import.meta.url));
/** Runs version A starts (half approvals, half flows); SWITCHBOARD_UPGRADE_RUNS lowers it for a quick local look. */
const RUNS = Number(process.env['SWITCHBOARD_UPGRADE_RUNS'] ?? 1000);
/** Runs started after the switch (while A drains, and after A stopped). */
const NEW_RUNS = 10;
const CONCURRENCY = 8;

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * Calls `fn` again while Temporal answers 503-style (the API's 3 s start deadline on a loaded
 * machine) or the run is not parked yet (409), as a client of the API would. Starts carry an
 * idempotency key, so a retried start never starts a second run.
 */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = err instanceof TemporalUnavailableError || (err instanceof ApiError && (err.status === 409 || err.status === 503));
      if (!retryable || attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Polls `probe` every second until it holds (at most 10 minutes). */
async function until(probe: () => Promise<boolean>, what: string, status: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${await status()}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** What one run's history says. */
interface HistoryFacts {
  workflowId: string;
  completed: boolean;
  failedTasks: number;
  nonDeterminism: number;
  /** Build ids and behaviours of the workers that completed its workflow tasks. */
  buildIds: Set<string>;
  behaviors: Set<number>;
  versionBMarker: boolean;
}

function factsOf(workflowId: string, history: History): HistoryFacts {
  const facts: HistoryFacts = { workflowId, completed: false, failedTasks: 0, nonDeterminism: 0, buildIds: new Set(), behaviors: new Set(), versionBMarker: false };
  for (const e of history.events ?? []) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        facts.completed = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        facts.failedTasks++;
        if (e.workflowTaskFailedEventAttributes?.cause === temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR) facts.nonDeterminism++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const a = e.workflowTaskCompletedEventAttributes;
        facts.buildIds.add(a?.deploymentVersion?.buildId ?? '(unversioned)');
        facts.behaviors.add(a?.versioningBehavior ?? Behavior.VERSIONING_BEHAVIOR_UNSPECIFIED);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        if (e.activityTaskScheduledEventAttributes?.activityId === 'version-b') facts.versionBMarker = true;
        break;
    }
  }
  return facts;
}

describe(`rolling upgrade from version A to version B with ${RUNS} runs in flight`, () => {
  const deploymentName = `sb-upgrade-${Date.now()}`;
  const A = '0.1.0-version-a';
  const B = '0.1.0-version-b';
  let stack: TestStack;
  let workerA: WorkerHandle | undefined;
  let workerB: WorkerHandle | undefined;
  let connection: Connection | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const deps = { ...stack.services, config: stack.config, address: inject('temporalAddress') };
    const versioned = (buildId: string) => ({
      workerDeploymentOptions: { useWorkerVersioning: true as const, version: { deploymentName, buildId }, defaultVersioningBehavior: 'PINNED' as const },
    });
    // A runs the real workflow code; B the fixture that breaks replay of A's histories.
    [workerA, workerB] = await Promise.all([
      startWorker(deps, versioned(A)),
      startWorker(deps, { ...versioned(B), workflowsPath: VERSION_B_WORKFLOWS, interceptors: { workflowModules: workflowInterceptorModules() } }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await workerA?.shutdown();
    await workerB?.shutdown();
    await connection?.close();
    await stack?.close();
  });

  it('finishes every run on the version that started it, with no failed workflow task', { timeout: 1_200_000 }, async () => {
    // The runs service as the API uses it, on a client without the API's 3 s call deadline:
    // the test loads a 2-core machine on purpose.
    const { namespace, taskQueue } = stack.services.temporal;
    connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection, namespace });
    const services = withTemporal(stack.services, { ...stack.services.temporal, connection, client });
    const automations = new AutomationService({ orm: services.orm, temporal: services.temporal, connectors: services.connectors });
    const running = async () => (await client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`)).count;
    const start = async (automationId: string, key: string, input: unknown) =>
      (await retrying(() => startRun(services, automations, automationId, { input, idempotencyKey: key }))).workflowId;
    const pinnedTo = async (buildId: string) =>
      (await client.workflow.count(`TaskQueue = "${taskQueue}" AND TemporalWorkerDeploymentVersion = "${deploymentName}:${buildId}"`)).count;
    const t = Date.now();
    const phase = (what: string) => process.stderr.write(`[rolling-upgrade] ${((Date.now() - t) / 1000).toFixed(1)} s: ${what}\n`);

    const approval = await automations.create({
      name: 'upgrade approval',
      trigger: { type: 'manual' },
      steps: [
        { id: 'prepare', type: 'transform', output: '{{ input.n }}' },
        { id: 'review', type: 'approval', approvers: ['lead'], timeout: '1h', onTimeout: 'fail' },
        { id: 'done', type: 'transform', output: '{{ steps.review.output.decision }}' },
      ],
    });
    // The first wait ends at one instant for every run (input.resumeAt), after the switch.
    const flow = await automations.create({
      name: 'upgrade flow',
      trigger: { type: 'manual' },
      steps: [
        { id: 'one', type: 'transform', output: '{{ input.n }}' },
        { id: 'hold', type: 'wait', until: '{{ input.resumeAt }}' },
        { id: 'two', type: 'transform', output: '{{ steps.one.output + 1 }}' },
        { id: 'pause', type: 'wait', duration: '2s' },
        { id: 'three', type: 'transform', output: '{{ steps.two.output + 1 }}' },
      ],
    });
    const short = await automations.create({
      name: 'upgrade short',
      trigger: { type: 'manual' },
      steps: [
        { id: 'one', type: 'transform', output: '{{ input.n }}' },
        { id: 'pause', type: 'wait', duration: '1s' },
      ],
    });

    // Version A is current and starts the runs.
    await setCurrentVersion(client, namespace, { deploymentName, buildId: A });
    const half = Math.floor(RUNS / 2);
    const t0 = Date.now();
    const approvalRuns = await pool([...Array(half).keys()], CONCURRENCY, async (n) => (await start(approval.id, `approval-${n}`, { n })));
    const startMs = Date.now() - t0;
    // Past the flows' starts and the wait for pinning, which both scale with the machine's load.
    const resumeAt = new Date(Date.now() + 5 * startMs + 30_000).toISOString();
    const flowRuns = await pool([...Array(RUNS - half).keys()], CONCURRENCY, async (n) => (await start(flow.id, `flow-${n}`, { n, resumeAt })));
    const aRuns = [...approvalRuns, ...flowRuns];
    phase(`started ${RUNS} runs on A`);

    // A run is pinned once a worker of A completed its first workflow task; one whose first
    // task is still queued when the version switches starts on the new current version.
    await until(async () => (await pinnedTo(A)) === RUNS, `${RUNS} runs pinned to A`, async () => `${await pinnedTo(A)} pinned`);
    phase('all pinned to A');

    // Version B becomes current (what `switchboard deploy` does) with all of A's runs open.
    await setCurrentVersion(client, namespace, { deploymentName, buildId: B });
    phase('B is current');
    expect(Date.now(), 'the flows are still in their first wait').toBeLessThan(Date.parse(resumeAt));
    expect(await running()).toBe(RUNS);

    // New runs start on B while A drains.
    const newRuns = await pool([...Array(NEW_RUNS).keys()], CONCURRENCY, (n) => start(short.id, `new-${n}`, { n }));

    // A serves its pinned runs: each parked approval is decided (the runs API's path).
    await pool(approvalRuns, CONCURRENCY, (workflowId) => retrying(() => decide(services, workflowId, { stepId: 'review', decision: 'approve', channel: 'api', approver: 'lead' })));

    phase('approvals decided');

    // A drains: every run closes; only then do A's workers stop.
    await until(async () => (await running()) === 0, 'every run closed', async () => `${await running()} open`);
    phase('A drained');
    await workerA!.shutdown();
    workerA = undefined;

    // B alone serves what starts now.
    const lateRuns = await pool([...Array(NEW_RUNS).keys()], CONCURRENCY, (n) => start(short.id, `late-${n}`, { n }));
    await Promise.all(lateRuns.map((id) => client.workflow.getHandle(id).result()));

    phase('late runs completed on B');

    // Read every run's history from Temporal.
    const histories = new Map<string, History>();
    const facts = await pool([...aRuns, ...newRuns, ...lateRuns], CONCURRENCY, async (id) => {
      const history = await client.workflow.getHandle(id).fetchHistory();
      histories.set(id, history);
      return factsOf(id, history);
    });
    phase('histories read');
    const ofA = facts.slice(0, aRuns.length);
    const ofB = facts.slice(aRuns.length);

    expect(ofA).toHaveLength(RUNS);
    expect(ofA.filter((f) => !f.completed).map((f) => f.workflowId)).toEqual([]);
    expect(ofB.filter((f) => !f.completed).map((f) => f.workflowId)).toEqual([]);
    expect(facts.reduce((n, f) => n + f.failedTasks, 0)).toBe(0);
    expect(facts.reduce((n, f) => n + f.nonDeterminism, 0)).toBe(0);
    // Every workflow task of A's runs was completed by A, pinned; none ran B's code.
    for (const f of ofA) {
      expect([...f.buildIds], f.workflowId).toEqual([A]);
      expect([...f.behaviors], f.workflowId).toEqual([Behavior.VERSIONING_BEHAVIOR_PINNED]);
      expect(f.versionBMarker, f.workflowId).toBe(false);
    }
    // Runs started after the switch ran B's code on B.
    for (const f of ofB) {
      expect([...f.buildIds], f.workflowId).toEqual([B]);
      expect(f.versionBMarker, f.workflowId).toBe(true);
    }
    // The flow runs really were mid-flight: their first wait ended after B became current.
    const flowResults = await Promise.all(flowRuns.slice(0, 3).map((id) => client.workflow.getHandle(id).result()));
    for (const r of flowResults) expect(r).toMatchObject({ status: 'completed', outputs: { hold: { waitedUntil: resumeAt } } });

    // Without versioning B would have broken them: A's histories do not replay on B's code.
    const samples = [approvalRuns[0]!, flowRuns[0]!].map((workflowId) => ({ workflowId, history: histories.get(workflowId)! }));
    const replay = async (path: string) => {
      const results = [];
      for await (const r of Worker.runReplayHistories({ workflowsPath: path, replayName: 'rolling-upgrade' }, samples)) results.push(r);
      return results;
    };
    for (const r of await replay(VERSION_B_WORKFLOWS)) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
    for (const r of await replay(workflowsPath)) expect(r.error, r.workflowId).toBeUndefined();
  });
});
