/**
 * Records the replay corpus: one history per start path and per step type added after
 * record-history.ts, on the time-skipping server with the real activities:
 *   node bin/run-ts.mjs test/replay/record-corpus.ts
 * Start paths are built as their starters build them (runs API: pinned definition,
 * signed approval links, attributes at start; webhook intake: `webhookRunStartOptions`;
 * schedules: the schedule action's input; rate-limited connections: `actionQueues`).
 * Provider APIs are local fakes on 127.0.0.1. Writes only `automation-corpus-*.json`;
 * never run it to make a failing replay pass (see docs/reference/replay.md).
 */
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { runApprovalLinks } from '../../src/approvals/links.ts';
import { webhookRunStartOptions } from '../../src/automations/routing.ts';
import { rateLimitedQueue } from '../../src/temporal/constants.ts';
import { decideApprovalUpdate, runStateQuery } from '../../workflows/automation/definitions.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import type { AutomationRunInput } from '../../workflows/contracts.ts';
import { automationWorkflow } from '../../workflows/index.ts';
import { startFakeOpenAi } from '../support/fakes/openai.ts';
import { fakeServer, sendJson } from '../support/listeners.ts';
import { openRecorder, until, type Recorder } from './recording.ts';

const taskQueue = 'replay-corpus';
const rec = await openRecorder({ SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
const upstream = await fakeServer((req, res) => (req.url === '/down' ? sendJson(res, 503, { error: 'maintenance' }) : sendJson(res, 200, { ok: true })));
const model = await startFakeOpenAi({ apiKey: 'sk-recorder' });
model.defaultReply = () => ({ content: '{"priority":"P1"}', usage: { prompt_tokens: 12, completion_tokens: 5 } });
const manual = { type: 'manual' } as const;
const log = (id: string, message: string, extra: object = {}) => ({ id, type: 'action', connection: 'conn_log', action: 'log', input: { message }, ...extra });

/** Starts a run the way the runs API does (`startRun` in src/automations/runs.ts). */
async function startLikeRunsApi(r: Recorder, definition: Record<string, unknown>, input: unknown, extra: Partial<AutomationRunInput> = {}): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const saved = await r.automations.create(definition);
  const workflowId = `run:${saved.id}:corpus`;
  const approvalLinks = runApprovalLinks(r.keyring, r.config.publicUrl, workflowId, saved.definition as unknown as Record<string, unknown>);
  const args: AutomationRunInput = {
    automationId: saved.id,
    version: saved.version,
    input,
    trigger: { type: 'manual', principal: 'key_recorder' },
    pinned: { name: saved.name, definition: saved.definition as unknown as Record<string, unknown> },
    attributesAtStart: true,
    ...(approvalLinks ? { approvalLinks } : {}),
    ...extra,
  };
  return r.env.client.workflow.start(automationWorkflow, { taskQueue, workflowId, args: [args], typedSearchAttributes: runSearchAttributes(args) });
}

/** Every run of a continue-as-new chain, first to last. */
async function chain(r: Recorder, handle: WorkflowHandleWithFirstExecutionRunId): Promise<WorkflowHandle[]> {
  const runs = [r.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId)];
  for (;;) {
    const last = (await runs.at(-1)!.fetchHistory()).events!.at(-1)!;
    const next = last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return runs;
    runs.push(r.env.client.workflow.getHandle(handle.workflowId, next));
  }
}

try {
  await rec.connection('conn_log', 'logging');
  await rec.connection('conn_limited', 'logging');
  await rec.connection('conn_gh', 'github', {}, { token: 'ghp-recorder', webhookSecret: 'whsec-recorder' });
  await rec.connection('conn_http', 'http', { baseUrl: upstream.url });
  await rec.connection('conn_llm', 'openai', { baseUrl: model.baseUrl, model: 'fake-1' }, { apiKey: 'sk-recorder' });
  const worker = await rec.worker(taskQueue);
  // The rate-limited connection's actions run on their own queue (the worker polls it too).
  const limitedQueue = rateLimitedQueue(taskQueue, 'conn_limited');
  const limitedWorker = await rec.worker(limitedQueue);
  const { env } = rec;
  await limitedWorker.runUntil(() =>
    worker.runUntil(async () => {
      // Runs API: pinned definition, signed approval links in the input, decided by update.
      const approval = await startLikeRunsApi(
        rec,
        { name: 'runs api approval', trigger: manual, steps: [{ id: 'review', type: 'approval', approvers: ['ann'], timeout: '1d', onTimeout: 'reject', message: 'Ship {{ input.sku }}?' }, log('notify', 'decided {{ steps.review.output.decision }}')] },
        { sku: 'A-1' },
      );
      await until(async () => (await approval.query(runStateQuery)).pendingApprovals.length);
      await approval.executeUpdate(decideApprovalUpdate, { args: [{ stepId: 'review', decision: 'approve', approver: 'ann', comment: 'recorded' }] });
      await approval.result();
      await rec.save('automation-corpus-runs-api-approval.json', approval);

      // Rate-limited connection: its action is scheduled on the connection's queue.
      const limited = await startLikeRunsApi(rec, { name: 'rate limited', trigger: manual, steps: [{ ...log('slow', 'limited {{ input.n }}'), connection: 'conn_limited' }, log('fast', 'not limited')] }, { n: 1 }, {
        actionQueues: { conn_limited: limitedQueue },
      });
      await limited.result();
      await rec.save('automation-corpus-rate-limited.json', limited);

      // Webhook intake (routed from the subscription cache): event payload as input, goto on a failed lookup.
      const hook = await rec.automations.create({
        name: 'webhook goto',
        trigger: { type: 'webhook', connection: 'conn_gh', events: ['github.issues.opened'] },
        steps: [
          { id: 'labels', type: 'transform', output: '{{ trigger.payload.issue.labels.name }}' },
          { id: 'lookup', type: 'transform', output: '{{ trigger.payload.issue.assignee.login }}', onError: 'goto:fallback' },
          log('assigned', 'assigned to {{ steps.lookup.output }}'),
          log('fallback', 'unassigned issue #{{ trigger.payload.issue.number }}'),
        ],
      });
      const event = {
        type: 'github.issues.opened',
        id: 'delivery-corpus-1',
        source: { connector: 'github', connectionId: 'conn_gh' },
        payload: { action: 'opened', issue: { number: 42, title: 'Crash on save', labels: [{ name: 'bug' }], assignee: null }, repository: { full_name: 'acme/app' } },
        receivedAt: '2026-12-01T10:00:00.000Z',
        headers: { 'x-github-event': 'issues' },
      };
      const hookOptions = webhookRunStartOptions(event, { automationId: hook.id, version: hook.version, pinned: { name: hook.name, definition: hook.definition as unknown as Record<string, unknown> } }, taskQueue);
      const webhookRun = await env.client.workflow.start(automationWorkflow, hookOptions as unknown as Parameters<typeof env.client.workflow.start<typeof automationWorkflow>>[1]);
      await webhookRun.result();
      await rec.save('automation-corpus-webhook-goto.json', webhookRun);

      // Schedule: the schedule action's input (no pinned definition: the run loads it).
      const scheduled = await rec.automations.create({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *', input: { region: 'eu' } }, steps: [log('report', 'nightly report for {{ input.region }}')] });
      const nightly = await env.client.workflow.start(automationWorkflow, {
        taskQueue,
        workflowId: `run:${scheduled.id}:schedule-2026-12-01T03:00:00Z`,
        args: [{ automationId: scheduled.id, version: scheduled.version, input: { region: 'eu' }, trigger: { type: 'schedule' } }],
      });
      await nightly.result();
      await rec.save('automation-corpus-schedule.json', nightly);

      // AI step: an llm call to a local OpenAI-format fake, its answer routed by a switch.
      const ai = await startLikeRunsApi(
        rec,
        {
          name: 'triage with llm',
          trigger: manual,
          steps: [
            { id: 'triage', type: 'llm', connection: 'conn_llm', prompt: 'Priority of: {{ input.text }}', output: { type: 'object', properties: { priority: { type: 'string' } }, required: ['priority'] } },
            { id: 'route', type: 'switch', value: '{{ steps.triage.output.object.priority }}', cases: [{ equals: 'P1', steps: [log('page', 'paging for {{ input.text }}')] }], default: [log('queue', 'queued')] },
          ],
        },
        { text: 'checkout is down' },
      );
      console.error('ai result', JSON.stringify(await ai.result()));
      await rec.save('automation-corpus-ai-llm.json', ai);

      // Continue-as-new: a small history limit splits the run; every run of the chain is recorded.
      const waits = (p: string) => Array.from({ length: 4 }, (_, i) => ({ id: `${p}${i}`, type: 'wait', duration: '1m' }));
      const long = await startLikeRunsApi(rec, { name: 'long run', trigger: manual, steps: [log('first', 'first'), ...waits('w'), log('middle', 'middle'), ...waits('x'), log('last', 'last')] }, {}, { historyLimit: 20 } as Partial<AutomationRunInput>);
      await long.result();
      const runs = await chain(rec, long);
      if (runs.length < 2) throw new Error('the run did not continue as new');
      for (const [i, run] of runs.entries()) await rec.save(`automation-corpus-continue-as-new-${i + 1}.json`, run);

      // try/catch/finally around a failing action, a switch, and a completed stop.
      const blocks = await startLikeRunsApi(
        rec,
        {
          name: 'blocks',
          trigger: manual,
          steps: [
            {
              id: 'guard',
              type: 'try',
              steps: [{ id: 'sync', type: 'action', connection: 'conn_http', action: 'request', input: { method: 'POST', url: '/down' }, retry: { maxAttempts: 2, initialInterval: '1s' } }],
              catch: [log('report', 'sync failed: {{ error.code }} in {{ error.step }}')],
              finally: [log('release', 'lock released')],
            },
            { id: 'route', type: 'switch', value: '{{ input.priority }}', cases: [{ equals: 'P1', steps: [log('page', 'page')] }, { equals: 'P2', steps: [] }], default: [log('backlog', 'backlog')] },
            { id: 'done', type: 'stop', status: 'completed', when: "input.priority = 'P1'", output: { caught: '{{ steps.guard.output.caught }}' } },
            log('unreached', 'not reached'),
          ],
        },
        { priority: 'P1' },
      );
      console.error('blocks result', JSON.stringify(await blocks.result()));
      await rec.save('automation-corpus-blocks.json', blocks);

      // A failed stop from a switch's default.
      const stopFailed = await startLikeRunsApi(rec, { name: 'stop failed', trigger: manual, steps: [{ id: 'route', type: 'switch', value: '{{ input.kind }}', cases: [{ equals: 'order', steps: [] }], default: [{ id: 'quit', type: 'stop', status: 'failed', reason: 'unknown kind {{ input.kind }}' }] }] }, { kind: 'refund' });
      await stopFailed.result().catch((err: unknown) => console.error('stop failed as expected:', (err as Error).message));
      await rec.save('automation-corpus-stop-failed.json', stopFailed);

      // Cancelled while parked inside try: finally's action still runs.
      const cancelled = await startLikeRunsApi(rec, {
        name: 'cancel inside try',
        trigger: manual,
        steps: [{ id: 'guard', type: 'try', steps: [{ id: 'review', type: 'approval', timeout: '2d', onTimeout: 'reject' }], catch: [log('report', 'caught')], finally: [log('release', 'released on cancel')] }],
      }, {});
      await until(async () => (await cancelled.query(runStateQuery)).pendingApprovals.length);
      await cancelled.cancel();
      await cancelled.result().catch((err: unknown) => console.error('cancelled as expected:', (err as Error).message));
      await rec.save('automation-corpus-try-cancelled.json', cancelled);
    }),
  );
} finally {
  await rec.close();
  await upstream.close();
  await model.close();
}
