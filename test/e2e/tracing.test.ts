/**
 * One webhook delivery is one trace: the API's request span, the workflows (the automation
 * run the intake starts, or the event workflow and the child run it starts when the intake
 * did not know the subscriber), the action's activity and the outbound HTTP call form one
 * parent/child chain, exported over OTLP/HTTP by the API (in this process) and by a
 * `switchboard worker` process, and the provider receives the `traceparent`.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { loadConfig } from '../../src/config.ts';
import { startTracing, type Tracing } from '../../src/telemetry/tracing.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { workflowCodeOptions } from '../../src/temporal/workflow-code.ts';
import { runMetricsSinks } from '../../src/metrics/run-sink.ts';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { AutomationService } from '../../src/automations/service.ts';
import { reuseTestOrm } from '../support/db.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';
import { createAutomation, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

const SECRET = 'tracing-secret';
const SPAN_KIND = { server: 2, client: 3 } as const;
/** Sinks the workflows reference (replay calls none of them). */
const replaySinks = { ...runMetricsSinks(), exporter: { export: { fn: () => undefined } } };

describe('tracing one delivery', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let fake: HttpFake;
  let stack: TestStack;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = (await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }), 'api'))!;
    fake = await httpFake(() => ({ body: { ok: true } }));
    stack = await startTestStack({ worker: false, tracing, env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    worker = spawnWorker(stack, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
    await worker.ready;
    // The worker process bundles the workflows with webpack first: minutes on a busy machine.
  }, 400_000);
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await stack?.close();
    await tracing?.shutdown();
    await fake?.close();
    await receiver?.close();
  });

  async function deliverIssue(github: string): Promise<{ delivery: string; workflowId: string }> {
    const delivery = randomUUID();
    const body = JSON.stringify({ action: 'opened', issue: { number: 3 } });
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });
    expect(res.status).toBe(202);
    return { delivery, workflowId: String(res.json['workflowId']) };
  }

  /** An automation whose one step POSTs to the fake at `path`. */
  const definition = (github: string, http: string, path: string) => ({
    name: `traced flow ${path}`,
    trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
    steps: [{ id: 'notify', type: 'action', connection: http, action: 'request', input: { method: 'POST', url: path, body: { n: 1 } } }],
  });

  /**
   * The spans from the API's request span down to the outbound call the fake received at
   * `path`, root first, once both processes exported them (they export in batches).
   */
  async function traceOfCallTo(path: string): Promise<{ traceId: string; spans: ReceivedSpan[] }> {
    const calls = fake.requests().filter((r) => r.url === path);
    expect(calls).toHaveLength(1);
    const traceparent = String(calls[0]!.headers['traceparent']);
    const [, traceId, outboundSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent) ?? [];
    expect(traceId, `traceparent: ${traceparent}`).toBeTruthy();
    const chain = (): ReceivedSpan[] => {
      const byId = new Map(receiver.spans().filter((s) => s.traceId === traceId).map((s) => [s.spanId, s]));
      const out: ReceivedSpan[] = [];
      for (let span = byId.get(outboundSpanId!); span; span = byId.get(span.parentSpanId)) out.unshift(span);
      return out;
    };
    const deadline = Date.now() + 30_000;
    while (chain()[0]?.parentSpanId !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    return { traceId: traceId!, spans: chain() };
  }

  function expectEnds(spans: ReceivedSpan[]): void {
    const [request, outbound] = [spans[0]!, spans.at(-1)!];
    expect(request.parentSpanId).toBe('');
    expect(request.kind).toBe(SPAN_KIND.server);
    expect(request.attributes).toMatchObject({ 'http.route': '/webhooks/:connector/:connectionId', 'http.response.status_code': 202 });
    expect(outbound.kind).toBe(SPAN_KIND.client);
    expect(outbound.attributes).toMatchObject({ 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    // Neither span names a path beyond the route (paths can carry credentials).
    expect(JSON.stringify(outbound.attributes)).not.toContain('/hook');
  }

  it('routed at intake: request → StartWorkflow → automation workflow → activity → outbound call, and the provider gets traceparent', async () => {
    expect(tracing.serviceName).toBe('switchboard-api');
    const github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    const http = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url });
    const { id: automationId } = await createAutomation(stack, definition(github, http, '/hook-direct'));
    const { delivery } = await deliverIssue(github);
    await waitForRun(stack, runWorkflowId(automationId, eventWorkflowId('github', github, delivery)), (r) => r.status === 'completed', 'the run to complete');

    const { spans } = await traceOfCallTo('/hook-direct');
    expect(spans.map((s) => `${s.service} ${s.name}`)).toEqual([
      'switchboard-api POST /webhooks/:connector/:connectionId',
      'switchboard-api StartWorkflow:automationWorkflow',
      'switchboard-worker RunWorkflow:automationWorkflow',
      'switchboard-worker StartActivity:runConnectorAction',
      'switchboard-worker RunActivity:runConnectorAction',
      'switchboard-worker HTTP POST',
    ]);
    expectEnds(spans);
    expect(receiver.paths().every((p) => p === '/v1/traces')).toBe(true);
  }, 120_000);

  it('through the event workflow: its child automation run, activity and outbound call stay in the trace', async () => {
    // An automation saved by another process (its own ORM, as `automations apply` does) while
    // this API's routing cache still says "no subscriber": the event workflow routes it.
    const other = await reuseTestOrm(stack.db);
    try {
      const http = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url });
      let routed: { github: string; automationId: string; delivery: string; workflowId: string } | undefined;
      // The API caches subscriptions for 2 s; a slow machine may miss the window: try again.
      for (let attempt = 0; attempt < 3 && !routed?.workflowId.startsWith('wh:'); attempt++) {
        const github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
        await stack.services.subscriptions.match({ id: 'prime', type: 'github.issues.opened', payload: {}, source: { connector: 'github', connectionId: github }, receivedAt: new Date().toISOString() } as never);
        const saved = await new AutomationService({ orm: other.orm, temporal: undefined, connectors: stack.services.connectors }).create(definition(github, http, `/hook-event-${attempt}`));
        routed = { github, automationId: saved.id, ...(await deliverIssue(github)) };
      }
      expect(routed!.workflowId).toBe(eventWorkflowId('github', routed!.github, routed!.delivery));
      const runId = runWorkflowId(routed!.automationId, eventWorkflowId('github', routed!.github, routed!.delivery));
      await waitForRun(stack, runId, (r) => r.status === 'completed', 'the run to complete');
      const path = String(fake.requests().find((r) => r.url.startsWith('/hook-event-'))?.url);

      const { traceId, spans } = await traceOfCallTo(path);
      expect(spans.map((s) => `${s.service} ${s.name}`)).toEqual([
        'switchboard-api POST /webhooks/:connector/:connectionId',
        'switchboard-api StartWorkflow:eventWorkflow',
        'switchboard-worker RunWorkflow:eventWorkflow',
        'switchboard-worker StartChildWorkflow:automationWorkflow',
        'switchboard-worker RunWorkflow:automationWorkflow',
        'switchboard-worker StartActivity:runConnectorAction',
        'switchboard-worker RunActivity:runConnectorAction',
        'switchboard-worker HTTP POST',
      ]);
      expectEnds(spans);
      // The event workflow's look-up (subscribers and waiting runs: routeEvent) is in the same trace, under the event run.
      const trace = receiver.spans().filter((s) => s.traceId === traceId);
      const lookup = trace.find((s) => s.name === 'RunActivity:routeEvent');
      const scheduled = trace.find((s) => s.spanId === lookup?.parentSpanId);
      expect(scheduled?.name, trace.map((s) => s.name).join(', ')).toBe('StartActivity:routeEvent');
      expect(scheduled!.parentSpanId).toBe(spans[2]!.spanId);

      // The traced histories (trace header on the start, the child and the activities)
      // replay on the worker's workflow code.
      const client = stack.services.temporal.client;
      const histories = await Promise.all(
        [routed!.workflowId, runId].map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })),
      );
      const started = histories[0]!.history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
      expect(Object.keys(started.workflowExecutionStartedEventAttributes!.header?.fields ?? {})).toContain('_tracer-data');
      const replays = [];
      for await (const r of Worker.runReplayHistories({ ...workflowCodeOptions(), sinks: replaySinks, replayName: 'traced-replay' }, histories)) replays.push(r);
      expect(replays).toHaveLength(2);
      for (const r of replays) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
      // ...and on the code of a worker with tracing off (no tracing interceptors bundled).
      const untraced = workflowCodeOptions({}, { tracing: false });
      expect(untraced.interceptors?.workflowModules?.some((m) => m.includes('tracing-interceptors'))).toBe(false);
      const untracedReplays = [];
      for await (const r of Worker.runReplayHistories({ ...untraced, sinks: replaySinks, replayName: 'traced-replay-untraced' }, histories)) untracedReplays.push(r);
      expect(untracedReplays).toHaveLength(2);
      for (const r of untracedReplays) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
    } finally {
      await other.close();
    }
  }, 180_000);
});
